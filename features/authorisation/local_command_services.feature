@authorisation
Feature: Local Command Services (E17): which requests may be delivered locally, by role and device status
  As an installer's SIT tester with a hand-held terminal on the HAN
  I want a request for local delivery answered with its command only in the role and status combinations Table 22 allows
  So that a command is never handed over for a device that may not take it (DUIS Table 22, E17)

  Background:
    Given the CPL lists these firmware versions:
      | device_type | firmware | status  |
      | ESME        | 0200BBBB | Current |

  @R-E17-2 @R-E17-4
  Scenario Outline: A request for local delivery to a <status> meter from <sender> is answered <code>
    Given these devices are in the inventory:
      | device | type | smets | firmware | status   |
      | E1     | ESME | 2     | 0100AAAA | <status> |
    When <sender> sends SR 11.2 to "E1" for local delivery
    Then the final response code is "<code>"

    Examples:
      | sender               | status                   | code |
      | the supplier         | Pending                  | I0   |
      | the supplier         | Whitelisted              | I0   |
      | the supplier         | InstalledNotCommissioned | I0   |
      | the supplier         | Commissioned             | I0   |
      | the network operator | Pending                  | E17  |
      | the network operator | Whitelisted              | E17  |
      | the network operator | InstalledNotCommissioned | I0   |
      | the network operator | Commissioned             | I0   |

  @R-E17-2 @R-T22-1
  Scenario: A Suspended meter that the 11.2 reaches over the SM WAN is refused it for local delivery
    Given the DSP applies the "mp105" rules
    And these devices are in the inventory:
      | device | type | smets | firmware | status    |
      | E1     | ESME | 2     | 0100AAAA | Suspended |
    When the supplier sends SR 11.2 to "E1" for local delivery
    Then the final response code is "E17"
    And the request does not reach device "E1"

  @R-E17-3
  Scenario: A Recovered meter is validated on the status it held before Recovery
    Given these devices are in the inventory:
      | device | type | smets | firmware | status  |
      | E1     | ESME | 2     | 0100AAAA | Pending |
    When the SMI status of "E1" is set to "Recovery"
    And the supplier sends SR 11.2 to "E1" for local delivery
    Then the final response code is "E5"
    When the SMI status of "E1" is set to "Recovered"
    And the network operator sends SR 11.2 to "E1" for local delivery
    Then the final response code is "E17"
    When the supplier sends SR 11.2 to "E1" for local delivery
    Then the request is answered with a local command for "E1"
    And the SMI status history of "E1" is "Pending, Recovery, Recovered"

  @R-E17-1
  Scenario: Commission Device (8.1.1) is never delivered locally
    Given these devices are in the inventory:
      | device | type | smets | firmware | status      |
      | E1     | ESME | 2     | 0100AAAA | Whitelisted |
    When the supplier sends SR 8.1.1 to "E1" for local delivery
    Then the final response code is "E17"
    When the supplier sends SR 8.1.1 to "E1"
    Then the final response code is "I99"

  @R-E17-4
  Scenario: For local delivery an 11.2 is answered with its local command at once, and the device's answer follows over the SM WAN
    Given these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
    When the supplier sends SR 11.2 to "E1" for local delivery
    Then the request is answered with a local command for "E1"
    And the final response code is "I0"
    And the 11.2 response from "E1" reports firmware "0100AAAA"

  @R-E17-4 @R-113-1 @R-VER-2
  Scenario: For local delivery an 11.3 Signed Pre-Command (CV 7) returns its command and activates over the SM WAN
    Given these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
    When the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB" for local delivery
    Then the request is answered with a local command for "E1"
    And the activation response from "E1" is "success"
    And device "E1" runs firmware "0200BBBB"
    And device "E1" has SMI firmware "0200BBBB"

  @R-E17-4
  Scenario: With command variant 2 only the local command is returned: nothing goes over the SM WAN
    Given these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
    When the supplier sends SR 11.2 to "E1" with command variant 2
    Then the request is answered with a local command for "E1"
    And the request does not reach device "E1"

  @R-E17-5 @R-E5-8 @modelling-decision
  Scenario: With the report's exception, the top-up code of a Suspended SMETS1 meter is returned for local delivery
    Given a Suspended SMETS1 device takes a top-up with command variant 2
    And these devices are in the inventory:
      | device | type | smets | firmware | status    |
      | E1     | ESME | 1     | 0100AAAA | Suspended |
    When the supplier sends SR 2.2 to "E1" with command variant 2
    Then the request is answered with a local command for "E1"
    When the supplier sends SR 2.2 to "E1" for local delivery
    Then the final response code is "E5"
