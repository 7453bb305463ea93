@gas-proxy
Feature: The Gas Proxy Function's copy of the GSME firmware version
  As a gas supplier
  I want a mismatch between the GPF's copy and the SMI reported to me, never used to restore the GSME
  So that a lagging copy can neither restore nor corrupt the gas meter's record

  Background:
    Given the CPL lists these firmware versions:
      | device_type | firmware | status  |
      | GSME        | 0200BBBB | Current |
    And these devices are in the inventory:
      | device | type | smets | firmware | status       | gpf |
      | G1     | GSME | 2     | 0100AAAA | Commissioned | P1  |
      | P1     | GPF  | 2     | 00000001 | Commissioned |     |

  @R-112-6 @R-ALERT-2
  Scenario Outline: A GPF reporting a GSME version unlike the SMI's sends N52 to the Service Users and never restores (<ruleset>)
    Given the DSP applies the "<ruleset>" rules
    And the gas proxy "P1" holds GSME firmware "0200BBBB"
    When firmware "0100AAAA" is removed from the CPL for GSME
    And the supplier sends SR 11.2 to "P1"
    Then the response code is "I0"
    And the 11.2 response from "P1" reports firmware "0200BBBB"
    And DCC alert "N52" is sent to the responsible supplier of "G1"
    And DCC alert "N52" is sent to the network operator of "G1"
    And DCC alert "N52" about "G1" reports firmware "0200BBBB" against SMI firmware "0100AAAA"
    And device "G1" has SMI status "Suspended"
    And device "G1" has SMI firmware "0100AAAA"
    And no DCC alert "N29" is sent

    Examples:
      | ruleset       |
      | legacy        |
      | mp105-option1 |
      | mp105         |

  @R-ALERT-2 @modelling-decision
  Scenario: Configured so, N52 goes to the gas supplier only
    Given N52 goes to the gas supplier only
    And the gas proxy "P1" holds GSME firmware "0200BBBB"
    When the supplier sends SR 11.2 to "P1"
    Then DCC alert "N52" is sent to the responsible supplier of "G1"
    And DCC alert "N52" is not sent to the network operator of "G1"
    And exactly 1 DCC alert is sent

  @R-112-6
  Scenario: A GPF copy equal to the SMI sends nothing
    When the supplier sends SR 11.2 to "P1"
    Then the response code is "I0"
    And no DCC alerts are sent

  @R-DEV-5
  Scenario: A successful activation on the GSME refreshes its GPF's copy
    When the supplier sends SR 11.1 to "G1" distributing "0200BBBB"
    And the supplier sends SR 11.3 to "G1" activating "0200BBBB"
    Then the gas proxy "P1" now holds GSME firmware "0200BBBB"
    When the supplier sends SR 11.2 to "P1"
    Then no DCC alerts are sent

  @R-DEV-5 @R-112-6
  Scenario: A lagging copy reports a mismatch until it catches up
    Given a GSME's new firmware reaches its gas proxy after 1 hour
    When the supplier sends SR 11.1 to "G1" distributing "0200BBBB"
    And the supplier sends SR 11.3 to "G1" activating "0200BBBB"
    Then device "G1" has SMI firmware "0200BBBB"
    And the gas proxy "P1" now holds GSME firmware "0100AAAA"
    When the supplier sends SR 11.2 to "P1"
    Then DCC alert "N52" about "G1" reports firmware "0100AAAA" against SMI firmware "0200BBBB"
    When 2 hours of simulated time pass
    And the supplier sends SR 11.2 to "P1"
    Then the gas proxy "P1" now holds GSME firmware "0200BBBB"
    And no DCC alerts are sent
