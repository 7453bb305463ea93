@version-rule
Feature: The firmware version rule
  As the DCC's release tester
  I want every firmware version a device reports compared with the SMI and the CPL
  So that the SMI follows the device, and suppliers are warned of versions the CPL does not allow

  Background:
    Given the CPL lists these firmware versions:
      | device_type | firmware | status  |
      | ESME        | 0200BBBB | Current |
      | ESME        | 0300CCCC | Removed |
      | GSME        | 0200BBBB | Current |
      | GSME        | 0300CCCC | Removed |

  @R-VER-1
  Scenario Outline: A <type> reporting the SMI's own version changes nothing under <ruleset>
    Given the DSP applies the "<ruleset>" rules
    And these devices are in the inventory:
      | device | type   | smets | firmware | status       |
      | D1     | <type> | 2     | 0100AAAA | Commissioned |
    When the supplier sends SR 11.2 to "D1"
    Then the response code is "I0"
    And device "D1" has SMI firmware "0100AAAA"
    And device "D1" has SMI status "Commissioned"
    And no DCC alerts are sent

    Examples:
      | type | ruleset |
      | ESME | legacy  |
      | GSME | legacy  |
      | ESME | mp105   |
      | GSME | mp105   |

  @R-VER-1 @R-112-1
  Scenario Outline: A Suspended <type> still running the removed version stays Suspended, unalerted, under <ruleset>
    Given the DSP applies the "<ruleset>" rules
    And these devices are in the inventory:
      | device | type   | smets | firmware | status       |
      | D1     | <type> | 2     | 0100AAAA | Commissioned |
    When firmware "0100AAAA" is removed from the CPL for <type>
    Then device "D1" has SMI status "Suspended"
    When the supplier sends SR 11.2 to "D1"
    Then the response code is "I0"
    And device "D1" has SMI firmware "0100AAAA"
    And device "D1" has SMI status "Suspended"
    And the SMI status history of "D1" is "Commissioned, Suspended"
    And no DCC alerts are sent

    Examples:
      | type | ruleset       |
      | ESME | mp105-option1 |
      | ESME | mp105         |
      | GSME | mp105         |

  @R-VER-2
  Scenario Outline: A Current version is recorded in the SMI under <ruleset>
    Given the DSP applies the "<ruleset>" rules
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
    And device "E1" is running firmware "0200BBBB"
    When the supplier sends SR 11.2 to "E1"
    Then device "E1" has SMI firmware "0200BBBB"
    And device "E1" has SMI status "Commissioned"
    And no DCC alerts are sent

    Examples:
      | ruleset       |
      | legacy        |
      | mp105-option1 |
      | mp105         |

  @R-VER-2 @R-112-2 @Req-1
  Scenario Outline: A Current version restores a Suspended <type> and sends N29 under <ruleset>
    Given the DSP applies the "<ruleset>" rules
    And these devices are in the inventory:
      | device | type   | smets | firmware | status       |
      | D1     | <type> | 2     | 0100AAAA | Commissioned |
    And device "D1" is running firmware "0200BBBB"
    When firmware "0100AAAA" is removed from the CPL for <type>
    And the supplier sends SR 11.2 to "D1"
    Then device "D1" has SMI firmware "0200BBBB"
    And device "D1" has SMI status "Commissioned"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "D1"

    Examples:
      | type | ruleset       |
      | ESME | mp105-option1 |
      | GSME | mp105-option1 |
      | ESME | mp105         |
      | GSME | mp105         |

  @R-VER-3
  Scenario Outline: A Removed version is recorded, the device is not suspended, and N50 warns (<ruleset>)
    Given the DSP applies the "<ruleset>" rules
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
    And device "E1" is running firmware "0300CCCC"
    When the supplier sends SR 11.2 to "E1"
    Then device "E1" has SMI firmware "0300CCCC"
    And device "E1" has SMI status "Commissioned"
    And DCC alert "N50" is sent to the responsible supplier of "E1"

    Examples:
      | ruleset |
      | legacy  |
      | mp105   |

  @R-VER-3
  Scenario: A Suspended device reporting a Removed version stays Suspended
    Given the DSP applies the "mp105" rules
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
    And device "E1" is running firmware "0300CCCC"
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the supplier sends SR 11.2 to "E1"
    Then device "E1" has SMI firmware "0300CCCC"
    And device "E1" has SMI status "Suspended"
    And DCC alert "N50" is sent to the responsible supplier of "E1"
    And no DCC alert "N29" is sent

  @R-VER-4
  Scenario Outline: A version the CPL does not list for the model leaves the SMI unchanged and N51 warns (<type>)
    Given these devices are in the inventory:
      | device | type   | smets | firmware | status       |
      | D1     | <type> | 2     | 0100AAAA | Commissioned |
    And device "D1" is running firmware "0F0F0F0F"
    When the supplier sends SR 11.2 to "D1"
    Then device "D1" has SMI firmware "0100AAAA"
    And DCC alert "N51" is sent to the responsible supplier of "D1"
    And no DCC alert "N50" is sent

    Examples:
      | type |
      | ESME |
      | GSME |
