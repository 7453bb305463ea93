@firmware-11.3
Feature: Activate Firmware (SR 11.3) responses and retries
  As a supplier with an automated 11.3 retry
  I want the response to my retry to update the SMI and restore the device
  So that a lost first response does not leave a good device Suspended (MP105 Req. 2)

  Background:
    Given the CPL lists these firmware versions:
      | device_type | firmware | status  |
      | ESME        | 0200BBBB | Current |
      | ESME        | 0300CCCC | Removed |
      | GSME        | 0200BBBB | Current |

  @R-113-1 @R-VER-2
  Scenario Outline: A successful activation response restores a Suspended <type> under every rule set (<ruleset>)
    Given the DSP applies the "<ruleset>" rules
    And these devices are in the inventory:
      | device | type   | smets | firmware | status       |
      | D1     | <type> | 2     | 0100AAAA | Commissioned |
    When firmware "0100AAAA" is removed from the CPL for <type>
    And the supplier sends SR 11.1 to "D1" distributing "0200BBBB"
    And the supplier sends SR 11.3 to "D1" activating "0200BBBB"
    Then the activation response from "D1" is "success"
    And the activation response from "D1" carries firmware "0200BBBB"
    And device "D1" has SMI firmware "0200BBBB"
    And device "D1" has SMI status "Commissioned"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "D1"

    Examples:
      | type | ruleset       |
      | ESME | legacy        |
      | GSME | legacy        |
      | ESME | mp105-option1 |
      | ESME | mp105         |
      | GSME | mp105         |

  @R-113-2 @R-DEV-3 @Req-2 @legacy-defect
  Scenario Outline: The retry after a lost response answers noImageHeld and leaves the <type> Suspended under <ruleset>
    Given the DSP applies the "<ruleset>" rules
    And these devices are in the inventory:
      | device | type   | smets | firmware | status       |
      | D1     | <type> | 2     | 0100AAAA | Commissioned |
    When firmware "0100AAAA" is removed from the CPL for <type>
    And the supplier sends SR 11.1 to "D1" distributing "0200BBBB"
    And the next 11.3 response from "D1" is lost
    And the supplier sends SR 11.3 to "D1" activating "0200BBBB"
    And the supplier sends SR 11.3 to "D1" activating "0200BBBB"
    Then the activation response from "D1" is "noImageHeld"
    And the activation response from "D1" carries firmware "0200BBBB"
    And device "D1" has SMI status "Suspended"
    And device "D1" has SMI firmware "0100AAAA"
    And no DCC alert "N29" is sent

    Examples:
      | type | ruleset       |
      | ESME | legacy        |
      | GSME | legacy        |
      | ESME | mp105-option1 |
      | GSME | mp105-option1 |

  @R-113-2 @R-DEV-3 @R-VER-2 @Req-2
  Scenario Outline: Under mp105 the retry's response restores the <type>
    Given the DSP applies the "mp105" rules
    And these devices are in the inventory:
      | device | type   | smets | firmware | status       |
      | D1     | <type> | 2     | 0100AAAA | Commissioned |
    When firmware "0100AAAA" is removed from the CPL for <type>
    And the supplier sends SR 11.1 to "D1" distributing "0200BBBB"
    And the next 11.3 response from "D1" is lost
    And the supplier sends SR 11.3 to "D1" activating "0200BBBB"
    And the supplier sends SR 11.3 to "D1" activating "0200BBBB"
    Then the activation response from "D1" is "noImageHeld"
    And device "D1" has SMI firmware "0200BBBB"
    And device "D1" has SMI status "Commissioned"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "D1"

    Examples:
      | type |
      | ESME |
      | GSME |

  @R-113-2
  Scenario Outline: A failed activation that carries a Removed version warns N50 only under mp105 (<ruleset>)
    Given the DSP applies the "<ruleset>" rules
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0200BBBB | Commissioned |
    And device "E1" is running firmware "0300CCCC"
    When the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the next activation on "E1" fails
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    Then the activation response from "E1" is "activationFailure"
    And the activation response from "E1" carries firmware "0300CCCC"
    And device "E1" has SMI firmware "<smi>"
    And device "E1" has SMI status "Commissioned"
    And exactly <alerts> DCC alerts are sent

    Examples:
      | ruleset       | smi      | alerts |
      | legacy        | 0200BBBB | 0      |
      | mp105-option1 | 0200BBBB | 0      |
      | mp105         | 0300CCCC | 1      |

  @R-113-2
  Scenario: Under mp105 the failed activation's N50 goes to the responsible supplier
    Given the DSP applies the "mp105" rules
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0200BBBB | Commissioned |
    And device "E1" is running firmware "0300CCCC"
    When the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the next activation on "E1" fails
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    Then DCC alert "N50" is sent to the responsible supplier of "E1"
    And DCC alert "N50" is not sent to the network operator of "E1"
    And exactly 1 DCC alert is sent

  @R-DEV-3 @R-113-1
  Scenario: Under legacy the only recovery is a fresh firmware update
    Given the DSP applies the "legacy" rules
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the next 11.3 response from "E1" is lost
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    Then device "E1" has SMI status "Suspended"
    When the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    Then the activation response from "E1" is "success"
    And device "E1" has SMI status "Commissioned"
    And device "E1" has SMI firmware "0200BBBB"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "E1"
