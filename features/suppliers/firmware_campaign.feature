@suppliers
Feature: The supplier's firmware campaign and its automated 11.3 retries
  As a supplier running a firmware campaign with an automated 11.3 retry
  I want my campaign and my retries played against the DSP under each rule set
  So that I know which devices my own automation brings back after a lost response (MP105 Req. 2)

  Background:
    Given the CPL lists these firmware versions:
      | device_type | firmware | status  |
      | ESME        | 0200BBBB | Current |
      | GSME        | 0200BBBB | Current |
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
      | E2     | ESME | 2     | 0100AAAA | Commissioned |
      | G1     | GSME | 1     | 0100AAAA | Commissioned |

  @R-SU-1 @R-DEV-1 @R-DEV-4 @R-113-1
  Scenario Outline: The campaign updates every device, SMETS2 by 11.1 then 11.3, SMETS1 by 11.3 alone (<ruleset>)
    Given the DSP applies the "<ruleset>" rules
    When firmware "0100AAAA" is removed from the CPL for ESME
    And firmware "0100AAAA" is removed from the CPL for GSME
    And the supplier runs a firmware campaign to "0200BBBB"
    Then the supplier sent SR 11.1 to "E1" 1 time
    And the supplier sent SR 11.3 to "E1" 1 time
    And the supplier sent SR 11.1 to "G1" 0 times
    And the supplier sent SR 11.3 to "G1" 1 time
    And device "E1" runs firmware "0200BBBB"
    And device "E2" runs firmware "0200BBBB"
    And device "G1" runs firmware "0200BBBB"
    And device "E1" has SMI status "Commissioned"
    And device "E2" has SMI status "Commissioned"
    And device "G1" has SMI status "Commissioned"
    And device "E1" has SMI firmware "0200BBBB"
    And device "E2" has SMI firmware "0200BBBB"
    And device "G1" has SMI firmware "0200BBBB"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "E1"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "E2"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "G1"
    And 3 firmware updates are counted
    And 0 wasted firmware updates are counted

    Examples:
      | ruleset       |
      | legacy        |
      | mp105-option1 |
      | mp105         |

  @R-SU-1 @R-SU-2 @R-113-2 @Req-2
  Scenario: Under mp105 a lost 11.3 response and an automated retry restore the device
    Given the DSP applies the "mp105" rules
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the next 11.3 response from "E1" is lost
    And the supplier runs a firmware campaign to "0200BBBB" with 2 automated 11.3 retries
    Then device "E1" runs firmware "0200BBBB"
    And device "E1" has SMI status "Suspended"
    And device "E2" has SMI status "Commissioned"
    And the supplier sent SR 11.3 to "E1" 1 time
    When 1 hour of simulated time passes
    Then the supplier sent SR 11.3 to "E1" 2 times
    And the activation response from "E1" is "noImageHeld"
    And device "E1" has SMI status "Commissioned"
    And device "E1" has SMI firmware "0200BBBB"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "E1"
    When 3 hours of simulated time pass
    Then the supplier sent SR 11.3 to "E1" 2 times

  @R-SU-1 @R-SU-2 @R-113-2 @Req-2 @legacy-defect
  Scenario Outline: Before Req. 2 a lost 11.3 response and 2 automated retries leave the device Suspended (<ruleset>)
    Given the DSP applies the "<ruleset>" rules
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the next 11.3 response from "E1" is lost
    And the supplier runs a firmware campaign to "0200BBBB" with 2 automated 11.3 retries
    Then device "E1" runs firmware "0200BBBB"
    And device "E1" has SMI status "Suspended"
    And the supplier sent SR 11.3 to "E1" 1 time
    When 1 hour of simulated time passes
    Then the supplier sent SR 11.3 to "E1" 2 times
    And the activation response from "E1" is "noImageHeld"
    And device "E1" has SMI status "Suspended"
    And device "E1" has SMI firmware "0100AAAA"
    And no DCC alert "N29" is sent
    When 3 hours of simulated time pass
    Then the supplier sent SR 11.3 to "E1" 2 times
    And device "E1" has SMI status "Suspended"

    Examples:
      | ruleset       |
      | legacy        |
      | mp105-option1 |

  @R-SU-2 @R-113-2 @Req-2
  Scenario: Within the retry budget: 2 lost responses and 2 retries, and the last retry's answer restores E1 under mp105
    Given the DSP applies the "mp105" rules
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the next 11.3 response from "E1" is lost
    And the next 11.3 response from "E1" is lost
    And the supplier runs a firmware campaign to "0200BBBB" with 2 automated 11.3 retries
    And 5 hours of simulated time pass
    Then the supplier sent SR 11.3 to "E1" 3 times
    And the supplier's SR 11.3 to "E1" is answered "E21"
    And device "E1" has SMI status "Commissioned"
    And device "E1" has SMI firmware "0200BBBB"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "E1"

  @R-SU-2 @R-113-2
  Scenario: The retries stop at their budget: 3 lost responses and 2 retries leave E1 Suspended under mp105
    Given the DSP applies the "mp105" rules
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the next 11.3 response from "E1" is lost
    And the next 11.3 response from "E1" is lost
    And the next 11.3 response from "E1" is lost
    And the supplier runs a firmware campaign to "0200BBBB" with 2 automated 11.3 retries
    And 5 hours of simulated time pass
    Then the supplier sent SR 11.3 to "E1" 3 times
    And the supplier's SR 11.3 to "E1" is answered "E21"
    And device "E1" has SMI status "Suspended"
    And device "E1" has SMI firmware "0100AAAA"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "E2"
    And exactly 4 DCC alerts are sent

  @R-SU-2 @R-DEV-6
  Scenario: The supplier retries on its own deadline, not on the DSP's E21
    Given the DSP applies the "mp105" rules
    And the supplier waits 2 hours for a response before an automated retry
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the next 11.3 response from "E1" is lost
    And the supplier runs a firmware campaign to "0200BBBB" with 1 automated 11.3 retry
    And 1 hour of simulated time passes
    Then the supplier's SR 11.3 to "E1" is answered "E21"
    And the supplier sent SR 11.3 to "E1" 1 time
    And device "E1" has SMI status "Suspended"
    When 1 hour of simulated time passes
    Then the supplier sent SR 11.3 to "E1" 2 times
    And device "E1" has SMI status "Commissioned"
    And device "E1" has SMI firmware "0200BBBB"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "E1"
