@suppliers
Feature: The supplier's recovery of devices its campaign left Suspended
  As a supplier whose campaign left good devices Suspended after lost responses
  I want to recover them by an 8.2-driven 11.2 sweep, or under legacy by another firmware update
  So that I see what MP105 opens (Req. 1) and the wasted updates it saves me

  Background:
    Given the CPL lists these firmware versions:
      | device_type | firmware | status  |
      | ESME        | 0200BBBB | Current |
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
      | E2     | ESME | 2     | 0100AAAA | Commissioned |
      | E3     | ESME | 2     | 0100AAAA | Commissioned |

  @R-SU-3 @R-112-1 @R-112-2 @Req-1
  Scenario Outline: A recovery sweep reads the inventory and its 11.2s restore the still-Suspended devices (<ruleset>)
    Given the DSP applies the "<ruleset>" rules
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the next 11.3 response from "E1" is lost
    And the next 11.3 response from "E3" is lost
    And the supplier runs a firmware campaign to "0200BBBB"
    And 1 hour of simulated time passes
    Then device "E1" has SMI status "Suspended"
    And device "E2" has SMI status "Commissioned"
    And device "E3" has SMI status "Suspended"
    When the supplier runs an 11.2 recovery sweep
    Then the supplier sent SR 8.2 to "E1" 1 time
    And the supplier's SR 8.2 to "E2" is answered "I0"
    And the supplier sent SR 11.2 to "E1" 1 time
    And the supplier sent SR 11.2 to "E2" 0 times
    And the supplier sent SR 11.2 to "E3" 1 time
    And the supplier's SR 11.2 to "E1" is answered "I0"
    And device "E1" has SMI status "Commissioned"
    And device "E3" has SMI status "Commissioned"
    And device "E1" has SMI firmware "0200BBBB"
    And device "E3" has SMI firmware "0200BBBB"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "E1"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "E3"
    And exactly 4 DCC alerts are sent
    And 0 wasted firmware updates are counted

    Examples:
      | ruleset       |
      | mp105-option1 |
      | mp105         |

  @R-SU-3 @R-112-1 @Req-1 @legacy-defect
  Scenario: Under legacy the sweep's 11.2s are refused and the devices stay Suspended
    Given the DSP applies the "legacy" rules
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the next 11.3 response from "E1" is lost
    And the next 11.3 response from "E3" is lost
    And the supplier runs a firmware campaign to "0200BBBB"
    And 1 hour of simulated time passes
    And the supplier runs an 11.2 recovery sweep
    Then the supplier sent SR 8.2 to "E1" 1 time
    And the supplier sent SR 11.2 to "E1" 1 time
    And the supplier sent SR 11.2 to "E2" 0 times
    And the supplier's SR 11.2 to "E1" is answered "E5"
    And device "E1" has SMI status "Suspended"
    And device "E3" has SMI status "Suspended"
    And device "E1" has SMI firmware "0100AAAA"
    And 0 wasted firmware updates are counted

  @R-SU-3 @R-112-2
  Scenario: Under mp105 the sweep's restore is alerted to the supplier and the network operator
    Given the DSP applies the "mp105" rules
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the next 11.3 response from "E1" is lost
    And the supplier runs a firmware campaign to "0200BBBB"
    And 1 hour of simulated time passes
    And the supplier runs an 11.2 recovery sweep
    Then DCC alert "N29" is sent to the responsible supplier and the network operator of "E1"
    And device "E1" has SMI firmware "0200BBBB"
    And device "E1" has SMI status "Commissioned"

  @R-SU-4 @R-113-1 @R-DEV-3 @legacy-defect
  Scenario: Under legacy the recovery is another firmware update, counted as wasted
    Given the DSP applies the "legacy" rules
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the next 11.3 response from "E1" is lost
    And the supplier runs a firmware campaign to "0200BBBB"
    And 1 hour of simulated time passes
    Then device "E1" runs firmware "0200BBBB"
    And device "E1" has SMI status "Suspended"
    When the supplier re-updates the firmware of still-Suspended devices
    Then the supplier sent SR 11.1 to "E1" 2 times
    And the supplier sent SR 11.3 to "E1" 2 times
    And the supplier sent SR 11.1 to "E2" 1 time
    And the activation response from "E1" is "success"
    And device "E1" has SMI status "Commissioned"
    And device "E1" has SMI firmware "0200BBBB"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "E1"
    And 4 firmware updates are counted
    And 1 wasted firmware update is counted

  @R-SU-4 @R-DEV-6
  Scenario: A re-update of a device that never got the firmware is not wasted
    Given the DSP applies the "legacy" rules
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the next 11.3 request to "E1" is lost
    And the supplier runs a firmware campaign to "0200BBBB"
    And 1 hour of simulated time passes
    Then device "E1" runs firmware "0100AAAA"
    And device "E1" has SMI status "Suspended"
    When the supplier re-updates the firmware of still-Suspended devices
    Then device "E1" runs firmware "0200BBBB"
    And device "E1" has SMI status "Commissioned"
    And device "E1" has SMI firmware "0200BBBB"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "E1"
    And 4 firmware updates are counted
    And 0 wasted firmware updates are counted

  @R-SU-3 @R-SU-4 @Req-1
  Scenario Outline: The sweep first, then re-updates: MP105 leaves nothing to re-update (<ruleset>)
    Given the DSP applies the "<ruleset>" rules
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the next 11.3 response from "E1" is lost
    And the supplier runs a firmware campaign to "0200BBBB"
    And 1 hour of simulated time passes
    And the supplier runs an 11.2 recovery sweep
    And the supplier re-updates the firmware of still-Suspended devices
    Then device "E1" has SMI status "Commissioned"
    And device "E1" has SMI firmware "0200BBBB"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "E1"
    And the supplier sent SR 11.1 to "E1" <updates> times
    And <wasted> wasted firmware updates are counted

    Examples:
      | ruleset       | updates | wasted |
      | legacy        | 2       | 1      |
      | mp105-option1 | 1       | 0      |
      | mp105         | 1       | 0      |
