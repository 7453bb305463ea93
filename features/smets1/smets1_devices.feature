@smets1
Feature: SMETS1 devices
  As a supplier with an enrolled SMETS1 estate
  I want MP105 to treat SMETS1 devices as it treats SMETS2 ones
  So that my SMETS1 meters stuck in Suspended can be restored too

  Background:
    Given the CPL lists these firmware versions:
      | device_type | firmware | status  |
      | ESME        | 0200BBBB | Current |
      | GSME        | 0200BBBB | Current |

  @R-DEV-4
  Scenario Outline: A SMETS1 <type> updates in one step: 11.3 alone transfers and activates
    Given these devices are in the inventory:
      | device | type   | smets | firmware | status       |
      | D1     | <type> | 1     | 0100AAAA | Commissioned |
    When the supplier sends SR 11.3 to "D1" activating "0200BBBB"
    Then the activation response from "D1" is "success"
    And device "D1" runs firmware "0200BBBB"
    And device "D1" has SMI firmware "0200BBBB"

    Examples:
      | type |
      | ESME |
      | GSME |

  @R-113-3 @R-DEV-4
  Scenario Outline: A SMETS1 retry response without a firmware version is ignored (<ruleset>)
    Given the DSP applies the "<ruleset>" rules
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 1     | 0100AAAA | Commissioned |
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the next 11.3 response from "E1" is lost
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    Then the activation response from "E1" is "noImageHeld"
    And the activation response from "E1" carries no firmware version
    And device "E1" has SMI status "Suspended"
    And no DCC alert "N29" is sent

    Examples:
      | ruleset       |
      | legacy        |
      | mp105-option1 |
      | mp105         |

  @R-113-2 @R-DEV-4 @R-112-4 @Req-2
  Scenario: Under mp105 a SMETS1 retry response that carries its version restores the device
    Given the DSP applies the "mp105" rules
    And SMETS1 retry responses carry the firmware version
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 1     | 0100AAAA | Commissioned |
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the next 11.3 response from "E1" is lost
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    Then the activation response from "E1" carries firmware "0200BBBB"
    And device "E1" has SMI status "Commissioned"
    And device "E1" has SMI firmware "0200BBBB"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "E1"

  @R-113-2 @R-DEV-4 @R-112-4 @Req-2 @legacy-defect
  Scenario Outline: Before Req. 2 a SMETS1 retry response that carries its version leaves the device Suspended (<ruleset>)
    Given the DSP applies the "<ruleset>" rules
    And SMETS1 retry responses carry the firmware version
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 1     | 0100AAAA | Commissioned |
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the next 11.3 response from "E1" is lost
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    Then the activation response from "E1" carries firmware "0200BBBB"
    And device "E1" has SMI status "Suspended"
    And device "E1" has SMI firmware "0100AAAA"
    And no DCC alert "N29" is sent

    Examples:
      | ruleset       |
      | legacy        |
      | mp105-option1 |

  @R-112-4 @R-112-1 @Req-1
  Scenario Outline: A stuck SMETS1 <type> is restored by an 11.2 under mp105
    Given the DSP applies the "mp105" rules
    And these devices are in the inventory:
      | device | type   | smets | firmware | status       |
      | D1     | <type> | 1     | 0100AAAA | Commissioned |
    When firmware "0100AAAA" is removed from the CPL for <type>
    And the next 11.3 response from "D1" is lost
    And the supplier sends SR 11.3 to "D1" activating "0200BBBB"
    And the supplier sends SR 11.2 to "D1"
    Then device "D1" has SMI status "Commissioned"
    And device "D1" has SMI firmware "0200BBBB"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "D1"

    Examples:
      | type |
      | ESME |
      | GSME |

  @R-DEV-7 @R-113-3 @R-DEV-4
  Scenario Outline: A SMETS1 activation that fails may carry no firmware version, and is then ignored (<ruleset>)
    Given the DSP applies the "<ruleset>" rules
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 1     | 0100AAAA | Commissioned |
    And device "E1" is running firmware "0300CCCC"
    When the next activation on "E1" fails
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    Then the activation response from "E1" is "activationFailure"
    And the activation response from "E1" carries no firmware version
    And device "E1" has SMI firmware "0100AAAA"
    And no DCC alerts are sent

    Examples:
      | ruleset |
      | legacy  |
      | mp105   |

  @R-DEV-7 @R-113-2 @modelling-decision
  Scenario: Configured to carry it, the failed SMETS1 activation's version feeds the version rule under mp105
    Given the DSP applies the "mp105" rules
    And SMETS1 retry responses carry the firmware version
    And the CPL lists these firmware versions:
      | device_type | firmware | status  |
      | ESME        | 0300CCCC | Removed |
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 1     | 0100AAAA | Commissioned |
    And device "E1" is running firmware "0300CCCC"
    When the next activation on "E1" fails
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    Then the activation response from "E1" carries firmware "0300CCCC"
    And device "E1" has SMI firmware "0300CCCC"
    And DCC alert "N50" is sent to the responsible supplier of "E1"
