@authorisation
Feature: Every Service Request of the DUIS matrix is authorised, whether or not the model serves it
  As a supplier's SIT tester whose adapter sends far more than firmware requests
  I want every SRV checked against Table 22 and the SMI
  So that a Suspended device refuses every Non-Critical SR but the exceptions, whichever SR it is

  Background:
    Given these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
      | S1     | ESME | 2     | 0200BBBB | Suspended    |

  @R-SRV-1 @R-E5-3 @modelling-decision
  Scenario Outline: SR <srv> (<name>) passes to a Commissioned meter and goes no further; a Suspended one answers <suspended>
    When <sender> sends SR <srv> to "E1"
    Then the final response code is "I99"
    And the request does not reach device "E1"
    When <sender> sends SR <srv> to "S1"
    Then the final response code is "<suspended>"
    And the request does not reach device "S1"

    Examples:
      | srv   | name                                    | sender               | suspended |
      | 4.1.1 | Read Instantaneous Import Registers     | the supplier         | E5        |
      | 4.1.1 | Read Instantaneous Import Registers     | the network operator | E5        |
      | 6.2.4 | Read Device Configuration (Identity)    | the supplier         | E5        |
      | 3.1   | Display Message                         | the supplier         | E5        |
      | 7.4   | Read Supply Status                      | the network operator | E5        |
      | 7.2   | Disable Supply (Critical)               | the supplier         | I99       |
      | 6.11  | Synchronise Clock (Critical)            | the supplier         | I99       |

  @R-SRV-1 @R-E5-3 @R-E4-1
  Scenario: A Non-Device SR the model does not serve is authorised on the devices it names
    When the supplier sends SR 8.3 to "E1"
    Then the final response code is "I99"
    When another supplier sends SR 8.3 to "E1"
    Then the final response code is "E4"
    When the supplier sends SR 8.3 to "S1"
    Then the final response code is "E5"

  @R-SRV-1
  Scenario: A role the matrix does not name for the SRV is refused E2
    When the network operator sends SR 3.1 to "E1"
    Then the final response code is "E2"
