@mp105
Feature: The MP105 story: a good device left Suspended by a lost 11.3 response
  As a release manager comparing the solution options of MP105
  I want the same story played under legacy, Option 1 and the final solution
  So that the board sees the legacy defect and how each option fixes it

  Background:
    Given the CPL lists these firmware versions:
      | device_type | firmware | status  |
      | ESME        | 0200BBBB | Current |
      | GSME        | 0200BBBB | Current |
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
      | G1     | GSME | 1     | 0100AAAA | Commissioned |

  @R-112-1 @R-112-2 @R-CPL-3 @Req-1
  Scenario Outline: Reading the firmware version of the stuck meter restores it under <ruleset>
    Given the DSP applies the "<ruleset>" rules
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the next 11.3 response from "E1" is lost
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    Then no response is received
    And device "E1" runs firmware "0200BBBB"
    And device "E1" has SMI status "Suspended"
    When the supplier sends SR 11.2 to "E1"
    Then the final response code is "I0"
    And the 11.2 response from "E1" reports firmware "0200BBBB"
    And device "E1" has SMI status "Commissioned"
    And device "E1" has SMI firmware "0200BBBB"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "E1"

    Examples:
      | ruleset       |
      | mp105-option1 |
      | mp105         |

  @R-112-1 @Req-1 @legacy-defect
  Scenario: Under legacy the stuck meter cannot be read: it stays Suspended
    Given the DSP applies the "legacy" rules
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the next 11.3 response from "E1" is lost
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    Then no response is received
    And device "E1" runs firmware "0200BBBB"
    When the supplier sends SR 11.2 to "E1"
    Then the final response code is "E5"
    And device "E1" has SMI status "Suspended"
    And device "E1" has SMI firmware "0100AAAA"
    And no DCC alert "N29" is sent

  @R-113-2 @Req-2
  Scenario: Under mp105 the supplier's automated retry of 11.3 restores the stuck meter
    Given the DSP applies the "mp105" rules
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the next 11.3 response from "E1" is lost
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    And 1 hour of simulated time passes
    Then the final response code is "E21"
    When the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    Then the activation response from "E1" is "noImageHeld"
    And device "E1" has SMI status "Commissioned"
    And device "E1" has SMI firmware "0200BBBB"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "E1"

  @R-113-2 @Req-2 @legacy-defect
  Scenario Outline: Before Req. 2 the supplier's automated retry of 11.3 leaves the meter Suspended (<ruleset>)
    Given the DSP applies the "<ruleset>" rules
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the next 11.3 response from "E1" is lost
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    And 1 hour of simulated time passes
    Then the final response code is "E21"
    When the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    Then the activation response from "E1" is "noImageHeld"
    And device "E1" has SMI status "Suspended"
    And device "E1" has SMI firmware "0100AAAA"
    And no DCC alert "N29" is sent

    Examples:
      | ruleset       |
      | legacy        |
      | mp105-option1 |

  @R-112-4 @R-113-3 @Req-1 @Req-2
  Scenario Outline: The SMETS1 gas meter's retry carries no version, so only the 11.2 restores it (<ruleset>)
    Given the DSP applies the "<ruleset>" rules
    When firmware "0100AAAA" is removed from the CPL for GSME
    And the next 11.3 response from "G1" is lost
    And the supplier sends SR 11.3 to "G1" activating "0200BBBB"
    And the supplier sends SR 11.3 to "G1" activating "0200BBBB"
    Then the activation response from "G1" carries no firmware version
    And device "G1" has SMI status "Suspended"
    When the supplier sends SR 11.2 to "G1"
    Then the final response code is "I0"
    And device "G1" has SMI status "Commissioned"
    And device "G1" has SMI firmware "0200BBBB"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "G1"

    Examples:
      | ruleset       |
      | mp105-option1 |
      | mp105         |

  @R-112-4 @R-112-1 @Req-1 @legacy-defect
  Scenario: Under legacy the SMETS1 gas meter stays Suspended: its retry carries no version and its 11.2 is refused
    Given the DSP applies the "legacy" rules
    When firmware "0100AAAA" is removed from the CPL for GSME
    And the next 11.3 response from "G1" is lost
    And the supplier sends SR 11.3 to "G1" activating "0200BBBB"
    And the supplier sends SR 11.3 to "G1" activating "0200BBBB"
    And the supplier sends SR 11.2 to "G1"
    Then the final response code is "E5"
    And device "G1" has SMI status "Suspended"
    And device "G1" has SMI firmware "0100AAAA"
    And no DCC alert "N29" is sent
