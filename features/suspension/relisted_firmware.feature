@suspension
Feature: Firmware listed Current again restores the devices it suspended
  As the DCC's release tester
  I want a device suspended for a firmware version that the CPL lists Current again to be restored by the next message that reports it
  So that a re-listed version does not leave its devices Suspended for ever (3.8.120.4)

  Background:
    Given these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
      | G1     | GSME | 2     | 0100AAAA | Commissioned |

  @R-VER-5 @R-112-2 @R-CPL-3 @Req-1
  Scenario Outline: A <type> on the re-listed version is restored by its 11.2 under <ruleset>
    Given the DSP applies the "<ruleset>" rules
    When firmware "0100AAAA" is removed from the CPL for <type>
    And firmware "0100AAAA" is listed on the CPL for <type>
    Then device "<device>" has SMI status "Suspended"
    When the supplier sends SR 11.2 to "<device>"
    Then the 11.2 response from "<device>" reports firmware "0100AAAA"
    And device "<device>" has SMI status "Commissioned"
    And device "<device>" has SMI firmware "0100AAAA"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "<device>"
    And the SMI status history of "<device>" is "Commissioned, Suspended, Commissioned"

    Examples:
      | type | device | ruleset       |
      | ESME | E1     | mp105-option1 |
      | ESME | E1     | mp105         |
      | GSME | G1     | mp105         |

  @R-VER-5 @R-113-1 @R-112-1
  Scenario: Under legacy the 11.2 cannot reach it, but re-activating the very version restores it
    Given the DSP applies the "legacy" rules
    When firmware "0100AAAA" is removed from the CPL for ESME
    And firmware "0100AAAA" is listed on the CPL for ESME
    And the supplier sends SR 11.2 to "E1"
    Then the final response code is "E5"
    And device "E1" has SMI status "Suspended"
    When the supplier sends SR 11.1 to "E1" distributing "0100AAAA"
    And the supplier sends SR 11.3 to "E1" activating "0100AAAA"
    Then the activation response from "E1" carries firmware "0100AAAA"
    And device "E1" has SMI status "Commissioned"
    And device "E1" has SMI firmware "0100AAAA"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "E1"

  @R-VER-1 @R-VER-5
  Scenario: Until the version is listed again, reading it changes nothing
    Given the DSP applies the "mp105" rules
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the supplier sends SR 11.2 to "E1"
    Then device "E1" has SMI status "Suspended"
    And no DCC alert "N29" is sent

  @R-VER-5 @modelling-decision
  Scenario: Configured to the old reading (R-VER-1 alone), a re-listed device stays Suspended
    Given the DSP applies the "mp105" rules
    And the DSP does not restore a Suspended device that reports its SMI version
    When firmware "0100AAAA" is removed from the CPL for ESME
    And firmware "0100AAAA" is listed on the CPL for ESME
    And the supplier sends SR 11.2 to "E1"
    Then device "E1" has SMI status "Suspended"
    And device "E1" has SMI firmware "0100AAAA"
    And no DCC alert "N29" is sent
