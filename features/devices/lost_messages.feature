@devices
Feature: Lost messages and the response timeout
  As a SIT tester reproducing the field's lost responses
  I want to lose a chosen message and see what the supplier hears
  So that I can prove how the DSP behaves when a device's answer never arrives

  Background:
    Given these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |

  @R-DEV-6
  Scenario: A lost request is answered E21 after the response timeout
    Given the next 11.2 request to "E1" is lost
    When the supplier sends SR 11.2 to "E1"
    Then the response code is "I99"
    And no response is received
    When 2 hours of simulated time pass
    Then the response code is "E21"

  @R-DEV-6
  Scenario: A lost response is answered E21 after a configured timeout
    Given the response timeout is 30 minutes
    And the next 11.3 response from "E1" is lost
    When the supplier sends SR 11.1 to "E1" distributing "0100AAAA"
    And the supplier sends SR 11.3 to "E1" activating "0100AAAA"
    And 20 minutes of simulated time pass
    Then the response code is not "E21"
    When 15 minutes of simulated time pass
    Then the response code is "E21"

  @R-DEV-6 @modelling-decision
  Scenario: Configured not to answer E21, the DSP stays silent
    Given a device response that never comes is not answered E21
    And the next 11.2 response from "E1" is lost
    When the supplier sends SR 11.2 to "E1"
    And 3 hours of simulated time pass
    Then no response is received
    And the response code is not "E21"

  @R-DEV-1
  Scenario: SMETS2 firmware is two steps: 11.1 leaves the image held, 11.3 activates it
    Given the CPL lists these firmware versions:
      | device_type | firmware | status  |
      | ESME        | 0200BBBB | Current |
    When the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    Then device "E1" holds firmware image "0200BBBB"
    And device "E1" runs firmware "0100AAAA"
    When the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    Then the activation response from "E1" is "success"
    And device "E1" runs firmware "0200BBBB"
    And device "E1" holds no firmware image

  @R-DEV-1 @R-DEV-2
  Scenario: An 11.3 naming another image than the one held answers hashMismatch with the running version
    Given the CPL lists these firmware versions:
      | device_type | firmware | status  |
      | ESME        | 0200BBBB | Current |
      | ESME        | 0300CCCC | Current |
    When the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the supplier sends SR 11.3 to "E1" activating "0300CCCC"
    Then the activation response from "E1" is "hashMismatch"
    And the activation response from "E1" carries firmware "0100AAAA"
    And device "E1" runs firmware "0100AAAA"

  @R-DEV-2
  Scenario: A failed activation answers activationFailure with the version still running
    Given the CPL lists these firmware versions:
      | device_type | firmware | status  |
      | ESME        | 0200BBBB | Current |
    When the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the next activation on "E1" fails
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    Then the activation response from "E1" is "activationFailure"
    And the activation response from "E1" carries firmware "0100AAAA"
    And device "E1" holds firmware image "0200BBBB"

  @R-DEV-1 @R-DEV-2 @R-DEV-3
  Scenario: Activating with no image held answers noImageHeld with the running version
    Given the CPL lists these firmware versions:
      | device_type | firmware | status  |
      | ESME        | 0200BBBB | Current |
    When the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    Then the activation response from "E1" is "noImageHeld"
    And the activation response from "E1" carries firmware "0100AAAA"

  @R-DEV-3
  Scenario: After a successful activation a retry answers noImageHeld with the new version
    Given the CPL lists these firmware versions:
      | device_type | firmware | status  |
      | ESME        | 0200BBBB | Current |
    When the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    Then the activation response from "E1" is "noImageHeld"
    And the activation response from "E1" carries firmware "0200BBBB"
    And device "E1" holds no firmware image
