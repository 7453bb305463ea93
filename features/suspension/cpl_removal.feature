@suspension
Feature: Suspension when a firmware version is removed from the CPL
  As the DCC's release tester
  I want every device running a removed firmware version suspended, with its prior status kept
  So that a device can later be restored to exactly the status it held

  @R-CPL-1
  Scenario Outline: Removing a firmware version suspends a <type> in status <status>
    Given these devices are in the inventory:
      | device | type   | smets | firmware | status   |
      | D1     | <type> | 2     | 0100AAAA | <status> |
    When firmware "0100AAAA" is removed from the CPL for <type>
    Then device "D1" has SMI status "Suspended"
    And the SMI status history of "D1" is "<status>, Suspended"

    Examples:
      | type | status                   |
      | ESME | Pending                  |
      | ESME | Whitelisted              |
      | GSME | InstalledNotCommissioned |
      | ESME | Commissioned             |
      | GSME | Commissioned             |
      | CHF  | Commissioned             |

  @R-CPL-1
  Scenario: A Recovered device is suspended too, its history kept
    Given these devices are in the inventory:
      | device | type | smets | firmware | status    | prior_status |
      | E1     | ESME | 2     | 0100AAAA | Recovered | Commissioned |
    When firmware "0100AAAA" is removed from the CPL for ESME
    Then device "E1" has SMI status "Suspended"
    And the SMI status history of "E1" is "Commissioned, Recovery, Recovered, Suspended"

  @R-CPL-1
  Scenario: Devices on other firmware, another model or a status outside the list are left alone
    Given these devices are in the inventory:
      | device | type | smets | firmware | status         | model        |
      | E1     | ESME | 2     | 0100AAAA | Commissioned   | DB/ESME-1/01 |
      | E2     | ESME | 2     | 0200BBBB | Commissioned   | DB/ESME-1/01 |
      | E3     | ESME | 2     | 0100AAAA | Commissioned   | DB/ESME-2/01 |
      | E4     | ESME | 2     | 0100AAAA | Decommissioned | DB/ESME-1/01 |
      | G1     | GSME | 2     | 0100AAAA | Commissioned   |              |
    When firmware "0100AAAA" is removed from the CPL for ESME model "DB/ESME-1/01"
    Then device "E1" has SMI status "Suspended"
    And device "E2" has SMI status "Commissioned"
    And device "E3" has SMI status "Commissioned"
    And device "E4" has SMI status "Decommissioned"
    And device "G1" has SMI status "Commissioned"

  @R-CPL-2
  Scenario Outline: The responsible supplier of a suspended <type> is alerted
    Given these devices are in the inventory:
      | device | type   | smets | firmware | status       |
      | D1     | <type> | 2     | 0100AAAA | Commissioned |
    When firmware "0100AAAA" is removed from the CPL for <type>
    Then DCC alert "N28" is sent to the responsible supplier of "D1"
    And DCC alert "N28" is not sent to the network operator of "D1"

    Examples:
      | type |
      | ESME |
      | GSME |

  @R-CPL-2 @modelling-decision
  Scenario: The suspension alert's N-code is a setting, since it is not public
    Given the DSP sends the suspension alert as "N30"
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
    When firmware "0100AAAA" is removed from the CPL for ESME
    Then DCC alert "N30" is sent to the responsible supplier of "E1"
    And no DCC alert "N28" is sent

  @R-CPL-3 @R-VER-2
  Scenario Outline: Restoring sets the status held before suspension, never a hard-coded Commissioned (<status>)
    Given the DSP applies the "mp105" rules
    And the CPL lists these firmware versions:
      | device_type | firmware | status  |
      | ESME        | 0200BBBB | Current |
    And these devices are in the inventory:
      | device | type | smets | firmware | status   |
      | E1     | ESME | 2     | 0100AAAA | <status> |
    And device "E1" is running firmware "0200BBBB"
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the supplier sends SR 11.2 to "E1"
    Then device "E1" has SMI status "<status>"
    And the SMI status history of "E1" is "<status>, Suspended, <status>"
    And device "E1" has SMI firmware "0200BBBB"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "E1"

    Examples:
      | status                   |
      | InstalledNotCommissioned |
      | Whitelisted              |
      | Commissioned             |
