@authorisation @R-E5-6
Feature: Authorisation of Service Requests in DUIS Table 22 order
  As a supplier's SIT tester
  I want every Service Request checked in the Table 22 order, the first failure answering
  So that a refused request carries the one response code the DUIS names for it, and never reaches the device (R-E5-6)

  Background:
    Given these devices are in the inventory:
      | device | type | smets | firmware | status       | gpf |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |     |
      | G1     | GSME | 2     | 0100AAAA | Commissioned | P1  |
      | P1     | GPF  | 2     | 00000001 | Commissioned |     |

  Scenario: A user ID and role that are not a registered pair are refused E1 before anything else
    When an unregistered user sends SR 11.2 to "E1"
    Then the response code is "E1"
    And the request does not reach device "E1"

  Scenario: A role that may not send the Service Request is refused E2
    When the network operator sends SR 11.3 to "E1" activating "0100AAAA"
    Then the response code is "E2"

  Scenario: A suspended user is refused E3
    Given the supplier of "E1" is suspended
    When the supplier sends SR 11.2 to "E1"
    Then the response code is "E3"

  @R-E11-1
  Scenario: A device the Service Request cannot target is refused E11, a validation check before Table 22
    When the supplier sends SR 11.3 to "P1" activating "0100AAAA"
    Then the final response code is "E11"
    And the request does not reach device "P1"
    When an unregistered user sends SR 11.3 to "P1" activating "0100AAAA"
    Then the final response code is "E11"

  @R-T22-2 @modelling-decision
  Scenario: In the rulebook's order a device the Service Request cannot target is refused E19
    Given the DSP checks E19 before E4 and E5
    When the supplier sends SR 11.3 to "P1" activating "0100AAAA"
    Then the final response code is "E19"
    And the request does not reach device "P1"

  Scenario: A supplier that is not the device's responsible supplier is refused E4
    When another supplier sends SR 11.2 to "E1"
    Then the response code is "E4"

  Scenario Outline: The network operator of a <type> may read its firmware version
    When the network operator sends SR 11.2 to "<device>"
    Then the response code is "I0"

    Examples:
      | type | device |
      | ESME | E1     |
      | GSME | G1     |

  Scenario Outline: When several checks would fail, the first in Table 22 order answers (<sender>, <first>)
    Given the DSP applies the "legacy" rules
    And these devices are in the inventory:
      | device | type | smets | firmware | status    |
      | S1     | ESME | 2     | 0100AAAA | Suspended |
    And <given>
    When <sender> sends SR <srv> to "S1"
    Then the response code is "<first>"
    And the request does not reach device "S1"

    Examples:
      | given                                | sender                 | srv  | first |
      | the supplier of "S1" is suspended    | an unregistered user   | 11.2 | E1    |
      | the supplier of "S1" is suspended    | the network operator   | 2.2  | E2    |
      | the supplier of "S1" is suspended    | the supplier           | 11.2 | E3    |
      | the DSP applies the "legacy" rules   | another supplier       | 11.2 | E4    |
      | the DSP applies the "legacy" rules   | the supplier           | 11.2 | E5    |
