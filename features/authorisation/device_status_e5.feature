@authorisation
Feature: The device status check (E5)
  As a supplier's SIT tester
  I want E5 to let through exactly the requests the device's SMI status allows
  So that Suspended and Recovery devices are protected without blocking what MP105 needs

  @R-E5-1 @R-113-1 @R-CPL-3
  Scenario Outline: Activate Firmware is Critical and passes E5 on a Suspended device under <ruleset>, and its success restores it
    Given the DSP applies the "<ruleset>" rules
    And the CPL lists these firmware versions:
      | device_type | firmware | status  |
      | ESME        | 0200BBBB | Current |
    And these devices are in the inventory:
      | device | type | smets | firmware | status    | prior_status |
      | E1     | ESME | 2     | 0100AAAA | Suspended | Commissioned |
    When the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    Then the response code is "I99"
    And the activation response from "E1" is "success"
    And device "E1" runs firmware "0200BBBB"
    And device "E1" has SMI firmware "0200BBBB"
    And device "E1" has SMI status "Commissioned"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "E1"
    And the SMI status history of "E1" is "Commissioned, Suspended, Commissioned"

    Examples:
      | ruleset       |
      | legacy        |
      | mp105-option1 |
      | mp105         |

  @R-E5-1
  Scenario Outline: Read Inventory is never checked against the device status (<status>)
    Given the DSP applies the "legacy" rules
    And these devices are in the inventory:
      | device | type | smets | firmware | status   | prior_status |
      | E1     | ESME | 2     | 0100AAAA | <status> | Commissioned |
    When the supplier sends SR 8.2 to "E1"
    Then the response code is "I0"
    And the inventory response lists "E1" with SMI status "<status>"

    Examples:
      | status         |
      | Suspended      |
      | Decommissioned |
      | Recovery       |

  @R-E5-1 @R-E5-4
  Scenario: A Critical request fails E5 when the device is in Recovery
    Given these devices are in the inventory:
      | device | type | smets | firmware | status   | prior_status |
      | E1     | ESME | 2     | 0100AAAA | Recovery | Commissioned |
    When the supplier sends SR 11.3 to "E1" activating "0100AAAA"
    Then the response code is "E5"
    And the request does not reach device "E1"

  @R-E5-2
  Scenario Outline: A Non-Critical request passes in status <status>
    Given the DSP applies the "legacy" rules
    And these devices are in the inventory:
      | device | type | smets | firmware | status   |
      | E1     | ESME | 2     | 0100AAAA | <status> |
    When the supplier sends SR 6.23 to "E1"
    Then the response code is "I99"
    And the response code is "I0"

    Examples:
      | status                   |
      | Commissioned             |
      | InstalledNotCommissioned |
      | Whitelisted              |
      | Pending                  |

  @R-E5-2
  Scenario Outline: A Non-Critical request fails E5 in status <status>
    Given these devices are in the inventory:
      | device | type | smets | firmware | status   |
      | E1     | ESME | 2     | 0100AAAA | <status> |
    When the supplier sends SR 11.2 to "E1"
    Then the response code is "E5"

    Examples:
      | status         |
      | Decommissioned |
      | Withdrawn      |
      | NotApplicable  |

  @R-E5-3
  Scenario Outline: A Suspended <type> still accepts new credentials and a firmware image under <ruleset>
    Given the DSP applies the "<ruleset>" rules
    And these devices are in the inventory:
      | device | type   | smets | firmware | status    |
      | D1     | <type> | 2     | 0100AAAA | Suspended |
    When the supplier sends SR 6.23 to "D1"
    Then the response code is "I0"
    When the supplier sends SR 11.1 to "D1" distributing "0100AAAA"
    Then the response code is "I0"

    Examples:
      | type | ruleset       |
      | ESME | legacy        |
      | GSME | legacy        |
      | ESME | mp105-option1 |
      | ESME | mp105         |
      | GSME | mp105         |

  @R-E5-3 @R-E5-8
  Scenario Outline: Top Up with command variant <cv> to a Suspended SMETS<smets> meter is answered E5, as Annex B reads
    Given these devices are in the inventory:
      | device | type | smets   | firmware | status    |
      | E1     | ESME | <smets> | 0100AAAA | Suspended |
    When the supplier sends SR 2.2 to "E1" with command variant <cv>
    Then the final response code is "E5"
    And the request does not reach device "E1"

    Examples:
      | smets | cv |
      | 1     | 2  |
      | 1     | 1  |
      | 2     | 2  |
      | 2     | 1  |

  @R-E5-8 @R-E17-5 @modelling-decision
  Scenario Outline: With the report's exception, a Suspended SMETS<smets> meter's top-up with command variant <cv> is answered <code>
    Given a Suspended SMETS1 device takes a top-up with command variant 2
    And these devices are in the inventory:
      | device | type | smets   | firmware | status    |
      | E1     | ESME | <smets> | 0100AAAA | Suspended |
    When the supplier sends SR 2.2 to "E1" with command variant <cv>
    Then the final response code is "<code>"

    # CV 2 returns the top-up for local delivery: the answer is I0 with it (R-E17-4), nothing over the WAN
    Examples:
      | smets | cv | code |
      | 1     | 2  | I0   |
      | 1     | 1  | E5   |
      | 2     | 2  | E5   |

  @R-E5-3 @R-112-1 @Req-1
  Scenario Outline: Read Firmware Version joins the Suspended exception list under the MP105 rule sets (<ruleset>)
    Given the DSP applies the "<ruleset>" rules
    And these devices are in the inventory:
      | device | type | smets | firmware | status    |
      | E1     | ESME | 2     | 0100AAAA | Suspended |
    When the supplier sends SR 11.2 to "E1"
    Then the response code is "<code>"

    Examples:
      | ruleset       | code |
      | legacy        | E5   |
      | mp105-option1 | I99  |
      | mp105         | I99  |

  @R-E5-4
  Scenario: A device in Recovery refuses every device request but not the Non-Device ones
    Given these devices are in the inventory:
      | device | type | smets | firmware | status   | prior_status |
      | E1     | ESME | 2     | 0100AAAA | Recovery | Commissioned |
    When the supplier sends SR 11.2 to "E1"
    Then the response code is "E5"
    When the supplier sends SR 6.23 to "E1"
    Then the response code is "E5"
    When the supplier sends SR 11.1 to "E1" distributing "0100AAAA"
    Then the response code is "I99"

  @R-E5-5
  Scenario Outline: A Recovered device is validated on the status it held before Recovery (<prior>, SR <srv>)
    Given the DSP applies the "legacy" rules
    And these devices are in the inventory:
      | device | type | smets | firmware | status    | prior_status |
      | E1     | ESME | 2     | 0100AAAA | Recovered | <prior>      |
    When the supplier sends SR <srv> to "E1"
    Then the response code is "<code>"

    Examples:
      | prior          | srv  | code |
      | Commissioned   | 6.23 | I99  |
      | Decommissioned | 6.23 | E5   |
      | Suspended      | 2.2  | E5   |
      | Suspended      | 6.23 | I99  |

  @R-E5-6
  Scenario: A passed request is acknowledged, then answered I0 with the device's response
    Given these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
    When the supplier sends SR 11.2 to "E1"
    Then the response code is "I99"
    And the response code is "I0"

  @R-E5-6
  Scenario: A refused request is answered with its E-code and never reaches the device
    Given the DSP applies the "legacy" rules
    And these devices are in the inventory:
      | device | type | smets | firmware | status    |
      | E1     | ESME | 2     | 0100AAAA | Suspended |
    When the supplier sends SR 11.2 to "E1"
    Then the response code is "E5"
    And no response is received
    And the request does not reach device "E1"
