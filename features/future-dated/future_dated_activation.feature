@future-dated
Feature: Future-dated firmware activation
  As a supplier that schedules activations for the night
  I want the outcome alert (0x8F66 / 0x8F67) to update the SMI when the activation runs
  So that a scheduled update restores a Suspended device as an immediate one does

  Background:
    Given the CPL lists these firmware versions:
      | device_type | firmware | status  |
      | ESME        | 0200BBBB | Current |
      | GSME        | 0200BBBB | Current |

  @R-FD-1 @R-VER-2
  Scenario Outline: The immediate response only accepts; the success alert restores the <type> (<ruleset>)
    Given the DSP applies the "<ruleset>" rules
    And these devices are in the inventory:
      | device | type   | smets | firmware | status       |
      | D1     | <type> | 2     | 0100AAAA | Commissioned |
    When firmware "0100AAAA" is removed from the CPL for <type>
    And the supplier sends SR 11.1 to "D1" distributing "0200BBBB"
    And the supplier sends SR 11.3 to "D1" activating "0200BBBB" to execute in 2 hours
    Then the response code is "I0"
    And the activation response from "D1" carries no firmware version
    And device "D1" runs firmware "0100AAAA"
    And device "D1" has SMI status "Suspended"
    When 3 hours of simulated time pass
    Then device "D1" sends activation alert "0x8F66"
    And device "D1" runs firmware "0200BBBB"
    And device "D1" has SMI firmware "0200BBBB"
    And device "D1" has SMI status "Commissioned"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "D1"

    Examples:
      | type | ruleset       |
      | ESME | legacy        |
      | ESME | mp105-option1 |
      | ESME | mp105         |
      | GSME | legacy        |
      | GSME | mp105         |

  @R-FD-1 @R-VER-2 @Req-2
  Scenario: Under mp105 a failure alert 0x8F67 carrying the Current version restores the device
    Given the DSP applies the "mp105" rules
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the next 11.3 response from "E1" is lost
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    And the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB" to execute in 1 hour
    And the next activation on "E1" fails
    Then device "E1" has SMI status "Suspended"
    When 2 hours of simulated time pass
    Then device "E1" sends activation alert "0x8F67"
    And device "E1" has SMI status "Commissioned"
    And device "E1" has SMI firmware "0200BBBB"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "E1"

  @R-FD-2 @R-FD-1 @legacy-defect
  Scenario Outline: Before Req. 2 a failure alert 0x8F67 carrying the Current version records it but does not restore (<ruleset>)
    Given the DSP applies the "<ruleset>" rules
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the next 11.3 response from "E1" is lost
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    And the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB" to execute in 1 hour
    And the next activation on "E1" fails
    And 2 hours of simulated time pass
    Then device "E1" sends activation alert "0x8F67"
    And device "E1" has SMI firmware "0200BBBB"
    And device "E1" has SMI status "Suspended"
    And no DCC alert "N29" is sent

    Examples:
      | ruleset       |
      | legacy        |
      | mp105-option1 |

  @R-FD-2 @modelling-decision
  Scenario: Configured to the warnings-only reading, a legacy failure alert leaves the SMI firmware as it was
    Given the DSP applies the "legacy" rules
    And before MP105 a failure alert updates the SMI only for a Removed version
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
    And device "E1" is running firmware "0200BBBB"
    When the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB" to execute in 1 hour
    And the next activation on "E1" fails
    And 2 hours of simulated time pass
    Then device "E1" sends activation alert "0x8F67"
    And device "E1" has SMI firmware "0100AAAA"
    And no DCC alerts are sent

  @R-FD-1 @R-VER-4
  Scenario Outline: A failure alert 0x8F67 carrying an unknown version warns N51 under every rule set (<ruleset>)
    Given the DSP applies the "<ruleset>" rules
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
    And device "E1" is running firmware "0F0F0F0F"
    When the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB" to execute in 1 hour
    And the next activation on "E1" fails
    And 2 hours of simulated time pass
    Then device "E1" sends activation alert "0x8F67"
    And DCC alert "N51" is sent to the responsible supplier of "E1"
    And exactly 1 DCC alert is sent
    And device "E1" has SMI firmware "0100AAAA"

    Examples:
      | ruleset       |
      | legacy        |
      | mp105-option1 |
      | mp105         |

  @R-FD-1 @R-DEV-6 @R-112-1 @R-112-2 @Req-1
  Scenario Outline: A lost success alert leaves the device Suspended until an 11.2 reads it and restores it (<ruleset>)
    Given the DSP applies the "<ruleset>" rules
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the next activation alert from "E1" is lost
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB" to execute in 1 hour
    And 2 hours of simulated time pass
    Then device "E1" runs firmware "0200BBBB"
    And device "E1" has SMI status "Suspended"
    When the supplier sends SR 11.2 to "E1"
    Then the final response code is "I0"
    And device "E1" has SMI status "Commissioned"
    And device "E1" has SMI firmware "0200BBBB"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "E1"

    Examples:
      | ruleset       |
      | mp105-option1 |
      | mp105         |

  @R-FD-1 @R-DEV-6 @R-112-1 @legacy-defect
  Scenario: Under legacy a lost success alert leaves the device Suspended: the 11.2 is refused
    Given the DSP applies the "legacy" rules
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the next activation alert from "E1" is lost
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB" to execute in 1 hour
    And 2 hours of simulated time pass
    And the supplier sends SR 11.2 to "E1"
    Then the final response code is "E5"
    And device "E1" has SMI status "Suspended"
    And device "E1" has SMI firmware "0100AAAA"
    And no DCC alert "N29" is sent

  @R-FD-1
  Scenario: A cancelled future-dated activation never runs
    Given these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
    When the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB" to execute in 2 hours
    And the supplier cancels the future-dated activation on "E1"
    Then the final response code is "I0"
    When 3 hours of simulated time pass
    Then device "E1" runs firmware "0100AAAA"
    And device "E1" holds firmware image "0200BBBB"
    And device "E1" has SMI firmware "0100AAAA"
    And no DCC alerts are sent
