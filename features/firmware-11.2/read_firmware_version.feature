@firmware-11.2
Feature: Read Firmware Version (SR 11.2) to Suspended devices
  As a supplier whose device runs good firmware while the SMI still says Suspended
  I want to read its firmware version and have the DSP restore it from the answer
  So that a lost 11.3 response no longer costs a whole new firmware update (MP105 Req. 1)

  Background:
    Given the CPL lists these firmware versions:
      | device_type | firmware | status  |
      | ESME        | 0200BBBB | Current |
      | GSME        | 0200BBBB | Current |
      | CHF         | 0200BBBB | Current |
      | PPMID       | 0200BBBB | Current |
      | HCALCS      | 0200BBBB | Current |

  @R-112-1 @Req-1
  Scenario Outline: SR 11.2 to a Suspended <type> is refused E5 under legacy and reaches it under <ruleset>
    Given the DSP applies the "<ruleset>" rules
    And these devices are in the inventory:
      | device | type   | smets | firmware | status    |
      | D1     | <type> | 2     | 0100AAAA | Suspended |
    When the supplier sends SR 11.2 to "D1"
    Then the response code is "<code>"

    Examples:
      | type | ruleset       | code |
      | ESME | legacy        | E5   |
      | GSME | legacy        | E5   |
      | ESME | mp105-option1 | I0   |
      | GSME | mp105-option1 | I0   |
      | ESME | mp105         | I0   |
      | GSME | mp105         | I0   |

  @R-112-2 @R-112-3 @R-112-5 @R-VER-2 @Req-1
  Scenario Outline: The 11.2 response restores a stuck <type> under <ruleset>, with no manual step
    Given the DSP applies the "<ruleset>" rules
    And these devices are in the inventory:
      | device | type   | smets | firmware | status       |
      | D1     | <type> | 2     | 0100AAAA | Commissioned |
    When firmware "0100AAAA" is removed from the CPL for <type>
    And the supplier sends SR 11.1 to "D1" distributing "0200BBBB"
    And the next 11.3 response from "D1" is lost
    And the supplier sends SR 11.3 to "D1" activating "0200BBBB"
    Then device "D1" runs firmware "0200BBBB"
    And device "D1" has SMI status "Suspended"
    When the supplier sends SR 11.2 to "D1"
    Then the response code is "I0"
    And device "D1" has SMI firmware "0200BBBB"
    And device "D1" has SMI status "Commissioned"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "D1"

    Examples:
      | type | ruleset       |
      | ESME | mp105-option1 |
      | GSME | mp105-option1 |
      | CHF  | mp105-option1 |
      | ESME | mp105         |
      | GSME | mp105         |
      | CHF  | mp105         |

  @R-112-2 @R-112-1 @legacy-defect
  Scenario Outline: Under legacy the stuck <type> cannot be read, so it stays Suspended
    Given the DSP applies the "legacy" rules
    And these devices are in the inventory:
      | device | type   | smets | firmware | status       |
      | D1     | <type> | 2     | 0100AAAA | Commissioned |
    When firmware "0100AAAA" is removed from the CPL for <type>
    And the supplier sends SR 11.1 to "D1" distributing "0200BBBB"
    And the next 11.3 response from "D1" is lost
    And the supplier sends SR 11.3 to "D1" activating "0200BBBB"
    And the supplier sends SR 11.2 to "D1"
    Then the response code is "E5"
    And device "D1" runs firmware "0200BBBB"
    And device "D1" has SMI firmware "0100AAAA"
    And device "D1" has SMI status "Suspended"
    And no DCC alert "N29" is sent

    Examples:
      | type |
      | ESME |
      | GSME |

  @R-112-2
  Scenario: Under legacy an 11.2 response still feeds the version rule for a device that is not Suspended
    Given the DSP applies the "legacy" rules
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
    And device "E1" is running firmware "0200BBBB"
    When the supplier sends SR 11.2 to "E1"
    Then device "E1" has SMI firmware "0200BBBB"
    And device "E1" has SMI status "Commissioned"

  @R-112-4 @Req-1
  Scenario Outline: MP105 applies to SMETS<smets> <type>s alike (<ruleset>)
    Given the DSP applies the "<ruleset>" rules
    And these devices are in the inventory:
      | device | type   | smets   | firmware | status       |
      | D1     | <type> | <smets> | 0100AAAA | Commissioned |
    And device "D1" is running firmware "0200BBBB"
    When firmware "0100AAAA" is removed from the CPL for <type>
    And the supplier sends SR 11.2 to "D1"
    Then device "D1" has SMI status "Commissioned"
    And device "D1" has SMI firmware "0200BBBB"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "D1"

    Examples:
      | smets | type | ruleset       |
      | 1     | ESME | mp105-option1 |
      | 2     | ESME | mp105-option1 |
      | 1     | ESME | mp105         |
      | 2     | ESME | mp105         |
      | 1     | GSME | mp105         |
      | 2     | GSME | mp105         |

  @R-112-5 @modelling-decision
  Scenario Outline: A <type> read does not restore it unless configured (SECMP0007)
    Given the DSP applies the "mp105" rules
    And these devices are in the inventory:
      | device | type   | smets | firmware | status       |
      | D1     | <type> | 2     | 0100AAAA | Commissioned |
    And device "D1" is running firmware "0200BBBB"
    When firmware "0100AAAA" is removed from the CPL for <type>
    And the supplier sends SR 11.2 to "D1"
    Then the response code is "I0"
    And device "D1" has SMI status "Suspended"
    And device "D1" has SMI firmware "0100AAAA"
    And no DCC alert "N29" is sent

    Examples:
      | type   |
      | PPMID  |
      | HCALCS |

  @R-112-5 @modelling-decision
  Scenario Outline: Configured to feed the version rule, a <type> read restores it
    Given the DSP applies the "mp105" rules
    And 11.2 responses from <type> devices feed the version rule
    And these devices are in the inventory:
      | device | type   | smets | firmware | status       |
      | D1     | <type> | 2     | 0100AAAA | Commissioned |
    And device "D1" is running firmware "0200BBBB"
    When firmware "0100AAAA" is removed from the CPL for <type>
    And the supplier sends SR 11.2 to "D1"
    Then device "D1" has SMI status "Commissioned"
    And device "D1" has SMI firmware "0200BBBB"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "D1"

    Examples:
      | type   |
      | PPMID  |
      | HCALCS |
