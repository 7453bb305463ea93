@alerts
Feature: Who receives the DCC alerts of MP105
  As a network operator
  I want to hear when a device of mine is restored, and suppliers to be warned of bad versions
  So that each party's view of the device stays true

  Background:
    Given the CPL lists these firmware versions:
      | device_type | firmware | status  |
      | ESME        | 0200BBBB | Current |
      | ESME        | 0300CCCC | Removed |
      | GSME        | 0200BBBB | Current |
      | GSME        | 0300CCCC | Removed |
      | CHF         | 0200BBBB | Current |

  @R-ALERT-1
  Scenario Outline: N29 goes to the responsible supplier and the network operator of a restored <type>
    Given the DSP applies the "mp105" rules
    And these devices are in the inventory:
      | device | type   | smets | firmware | status       | supplier | network_operator |
      | D1     | <type> | 2     | 0100AAAA | Commissioned | S1       | N1               |
    And device "D1" is running firmware "0200BBBB"
    When firmware "0100AAAA" is removed from the CPL for <type>
    And the supplier sends SR 11.2 to "D1"
    Then DCC alert "N29" is sent to the responsible supplier and the network operator of "D1"
    And exactly 3 DCC alerts are sent
    And device "D1" has SMI status "Commissioned"
    And device "D1" has SMI firmware "0200BBBB"

    Examples:
      | type |
      | ESME |
      | GSME |
      | CHF  |

  @R-ALERT-1 @R-VER-3 @R-VER-4
  Scenario Outline: <code> goes to the responsible supplier of a <type> only
    Given these devices are in the inventory:
      | device | type   | smets | firmware | status       |
      | D1     | <type> | 2     | 0100AAAA | Commissioned |
    And device "D1" is running firmware "<reported>"
    When the supplier sends SR 11.2 to "D1"
    Then DCC alert "<code>" is sent to the responsible supplier of "D1"
    And DCC alert "<code>" is not sent to the network operator of "D1"

    Examples:
      | type | reported | code |
      | ESME | 0300CCCC | N50  |
      | GSME | 0300CCCC | N50  |
      | ESME | 0F0F0F0F | N51  |
      | GSME | 0F0F0F0F | N51  |
