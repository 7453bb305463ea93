@authorisation @R-E5-6
Feature: Authorisation of Service Requests in DUIS Table 22 order, as the seed's Annex B reads it
  As a supplier's SIT tester
  I want every Service Request checked in the Table 22 order (E1, E2, E3, E4, E5, E17, E19), the first failure answering
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

  @R-T22-1
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

  @R-T22-1 @R-E4-2
  Scenario: A Non-Critical request to a device the SMI does not hold fails E4 first: there is no Registration Data
    Given device "X1" is not in the inventory
    When the supplier sends SR 11.2 to "X1"
    Then the final response code is "E4"
    When the supplier sends SR 6.23 to "X1"
    Then the final response code is "E4"

  @R-E19-1
  Scenario: A Critical request to a device the SMI does not hold fails E19, since E4 and E5 are not applied to it
    Given device "X1" is not in the inventory
    When the supplier sends SR 11.3 to "X1" activating "0100AAAA"
    Then the final response code is "E19"

  @R-E19-1 @R-E4-1 @modelling-decision
  Scenario: A request exempt from E4 to a device the SMI does not hold reaches E19, the last check
    Given E4 is not applied to SR 11.2
    And device "X1" is not in the inventory
    When the supplier sends SR 11.2 to "X1"
    Then the final response code is "E19"

  @R-E19-2
  Scenario Outline: A Non-Device SR <srv> addressed to the device instead of the DCC Access Control Broker fails E19
    When the supplier sends SR <srv> to "E1" addressed to the device
    Then the final response code is "E19"
    And the request does not reach device "E1"

    Examples:
      | srv  |
      | 8.2  |
      | 12.1 |

  @R-E4-1 @R-E4-3 @modelling-decision
  Scenario: Another supplier's Critical 11.3 passes Table 22, and the device will not execute what it cannot authenticate
    Given the CPL lists these firmware versions:
      | device_type | firmware | status  |
      | ESME        | 0200BBBB | Current |
    When the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And another supplier sends SR 11.3 to "E1" activating "0200BBBB"
    Then the response code is "I99"
    And no response is received
    And device "E1" runs firmware "0100AAAA"
    And device "E1" holds firmware image "0200BBBB"
    When 1 hour of simulated time passes
    Then the final response code is "E21"
    When the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    Then the activation response from "E1" is "success"
    And device "E1" has SMI firmware "0200BBBB"

  @R-E4-1
  Scenario: Another supplier's Non-Critical request still fails E4
    When another supplier sends SR 6.23 to "E1"
    Then the final response code is "E4"
    And the request does not reach device "E1"

  @R-E4-1 @modelling-decision
  Scenario: An SRV named exempt from E4 passes for another supplier
    Given E4 is not applied to SR 11.2
    When another supplier sends SR 11.2 to "E1"
    Then the final response code is "I0"
    And the 11.2 response from "E1" reports firmware "0100AAAA"

  @R-T22-2 @modelling-decision
  Scenario: In the rulebook's order a device the SMI does not hold fails E19 before E4, and E4 applies to a Critical SR
    Given the DSP checks E19 before E4 and E5
    And device "X1" is not in the inventory
    When the supplier sends SR 11.2 to "X1"
    Then the final response code is "E19"
    When another supplier sends SR 11.3 to "E1" activating "0100AAAA"
    Then the final response code is "E4"
    And the request does not reach device "E1"
