@authorisation
Feature: Signed Pre-Commands and the device status (E5)
  As a supplier whose adapter signs the pre-command of a Critical SR and sends it back (Command Variant 5)
  I want E5 applied to my Signed Pre-Command only when the device is in Recovery
  So that a Suspended device still takes the activation that can restore it (DUIS Table 22, E5)

  Background:
    Given the CPL lists these firmware versions:
      | device_type | firmware | status  |
      | ESME        | 0200BBBB | Current |

  @R-E5-1 @R-113-1 @R-VER-2 @R-CPL-3
  Scenario Outline: A Signed Pre-Command reaches a Suspended meter and its activation restores it (<ruleset>)
    Given the DSP applies the "<ruleset>" rules
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB" with command variant 5
    Then the response code is "I99"
    And the activation response from "E1" is "success"
    And device "E1" has SMI status "Commissioned"
    And device "E1" has SMI firmware "0200BBBB"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "E1"

    Examples:
      | ruleset       |
      | legacy        |
      | mp105-option1 |
      | mp105         |

  @R-E5-1
  Scenario Outline: A Signed Pre-Command is not checked against a <status> device's status
    Given these devices are in the inventory:
      | device | type | smets | firmware | status   |
      | E1     | ESME | 2     | 0100AAAA | <status> |
    When the supplier sends SR 11.3 to "E1" activating "0200BBBB" with command variant 5
    Then the response code is "I99"

    Examples:
      | status         |
      | Decommissioned |
      | Withdrawn      |
      | Recovered      |

  @R-E5-1 @R-E5-4
  Scenario: A Signed Pre-Command fails E5 while the device is in Recovery, and passes once it is Recovered
    Given these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
    When the SMI status of "E1" is set to "Recovery"
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB" with command variant 5
    Then the final response code is "E5"
    And the request does not reach device "E1"
    When the SMI status of "E1" is set to "Recovered"
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB" with command variant 5
    Then the response code is "I99"

  @R-E5-7 @modelling-decision
  Scenario: The model's Critical SR sent to the device (CV 4) stands for its Signed Pre-Command too, so Recovery refuses it
    Given these devices are in the inventory:
      | device | type | smets | firmware | status   |
      | E1     | ESME | 2     | 0100AAAA | Recovery |
    When the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    Then the final response code is "E5"
    And the request does not reach device "E1"
