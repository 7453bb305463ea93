"""The rule catalogue: every rule the model implements and the two MP105 business requirements, as data.

Each rule has its ID (the tag a Gherkin scenario carries, `@R-VER-2`), the rulebook section it belongs to,
a one-line statement in the project's words, where it comes from (a section of the MP105 Modification
Report, one of its annexes, or a DUIS artefact) and its marks: `seed` (stated in the Modification Report),
`duis` (visible in the DUIS schema or the DCC request matrix), `model` (a modelling decision: the public
text is silent and the project decided). The traceability matrix, the rule-coverage tests and the reports
read this catalogue, so the project needs nothing beside itself.

The rulebook it follows is the team's RULES.md (`domain/RULES.md` of the reference folder the tests read,
never the program); `tests/test_rule_catalogue.py` keeps the two in step where that file exists (the same
IDs and sections, the same modelling-decision marks). A rule the project implements beyond the rulebook
(because the Modification Report's legal text, which wins over the rulebook, says more) is added here with
`in_rulebook=False`, in the section it belongs to, with its source.

Seed = the MP105 Modification Report (`shared/seed/000_dbd8467e7dbf3dfd.txt`): §2 Issue, §3 Solution,
§7 Assessment of the proposal; Annex A the business requirements (v1.1); Annex B the legal text against
DUIS (Table 22 'Authorisation checks', Table 41 'DCC Alert Codes', clause 3.8.120.4 'Additional DCC System
Processing').
"""
from __future__ import annotations

from dataclasses import dataclass

MARKS = ("seed", "duis", "model")


@dataclass(frozen=True)
class Rule:
    id: str
    section: str  # the rulebook's section: "5. Firmware processing (the heart of MP105)"
    statement: str
    source: str  # where it comes from: a seed section or annex, a DUIS table or artefact
    marks: tuple[str, ...]  # of MARKS, in that order
    in_rulebook: bool = True  # False: implemented beyond RULES.md, from the source named

    @property
    def modelling_decision(self) -> bool:
        """A [model] rule: the public text is silent and the project decided."""
        return "model" in self.marks


@dataclass(frozen=True)
class Requirement:
    id: str  # "Req-1", as a tag names it
    statement: str
    source: str


AUTHORISATION = "3. Authorisation (DUIS Table 22)"
CPL = "4. CPL and suspension"
FIRMWARE = "5. Firmware processing (the heart of MP105)"
DEVICES = "6. Devices"
SERVICE_USERS = "7. Service users (behaviours the simulator drives)"
SECTIONS = (AUTHORISATION, CPL, FIRMWARE, DEVICES, SERVICE_USERS)

T22 = "Annex B: DUIS Table 22 'Authorisation checks'"
TABLE_22 = f"{T22}, E5"
CV_TABLE = "DUIS schema: the CommandVariant table (which variants return a Command for Local Delivery)"
CLAUSE = "Annex B: clause 3.8.120.4 'Additional DCC System Processing'"
TABLE_41 = "Annex B: Table 41 'DCC Alert Codes'"

RULES: tuple[Rule, ...] = (
    # --- 3. Authorisation --------------------------------------------------------------------------------
    Rule("R-T22-1", AUTHORISATION,
         "The authorisation checks run as E1, E2, E3, E4, E5, E17, E19, and the first one to fail answers the "
         "request: no later check is made.",
         f"{T22} (the order of its rows and its closing paragraph)", ("seed",), in_rulebook=False),
    Rule("R-T22-2", AUTHORISATION,
         "As a setting the checks run in the rulebook's order instead: E19 (no such device, or one of a type the "
         "SR cannot target) before E4 and E5, E4 for every SR, then E17.",
         "The project's decision: the model's order before it followed the legal text", ("model",), in_rulebook=False),
    Rule("R-E11-1", AUTHORISATION,
         "A device that exists but is of a type the SR cannot target fails the DUIS validation check E11, made "
         "before Table 22.",
         "DUIS response codes: E11 'Invalid Service Request / device type combination'; its place before "
         "Table 22 is the project's decision", ("duis", "model"), in_rulebook=False),
    Rule("R-E4-1", AUTHORISATION,
         "E4 is not made for Critical requests or their Signed Pre-Commands, nor for the SRVs a setting names as "
         "the seed's few exempt ones (none by default: the seed does not list them).",
         f"{T22}, E4 row", ("seed", "model"), in_rulebook=False),
    Rule("R-E4-2", AUTHORISATION,
         "A Non-Critical request naming a device the SMI does not hold fails E4 first: with no Registration Data "
         "the user cannot be an Eligible User for it.",
         f"{T22}, E4 row (eligibility from the Registration Data)", ("seed",), in_rulebook=False),
    Rule("R-E4-3", AUTHORISATION,
         "A device carries out a Critical command only when it can verify the signer (its own supplier or network "
         "operator); it drops any other and answers nothing, so the user hears E21 after the timeout.",
         "The project's decision (GBCS devices authenticate Critical commands; their answer to a bad one is "
         "not modelled)", ("model",), in_rulebook=False),
    Rule("R-E5-1", AUTHORISATION,
         "The device-status check E5 is not made for 8.2, 12.1, Critical requests or Signed Pre-Commands, "
         "except that a Signed Pre-Command (CV 5, 6, 7) to a device in Recovery is still checked.",
         f"{TABLE_22} (where the check applies)", ("seed",)),
    Rule("R-E5-2", AUTHORISATION,
         "Only a device that is Commissioned, InstalledNotCommissioned, Whitelisted, Pending or Recovered can "
         "be reached; in any other status a Non-Critical request fails E5 unless R-E5-3 lets it through.",
         TABLE_22, ("seed",)),
    Rule("R-E5-3", AUTHORISATION,
         "A Suspended device refuses every Non-Critical request with E5 except 11.1 and 6.23 (and, for SMETS1 "
         "with Command Variant 2, 2.2 where R-E5-8's setting keeps the report's exception); the MP105 rule sets "
         "add 11.2 to those exceptions.",
         f"{TABLE_22} (the Suspended exceptions, which MP105 extends with SR 11.2)", ("seed",)),
    Rule("R-E5-4", AUTHORISATION,
         "A device in Recovery refuses with E5 every request that concerns it; only Non-Device requests pass.",
         TABLE_22, ("seed",)),
    Rule("R-E5-5", AUTHORISATION,
         "For a Recovered device, E5 judges the request by the status the device had before it entered Recovery.",
         TABLE_22, ("seed",)),
    Rule("R-E5-7", AUTHORISATION,
         "A Critical request sent to a device with CV 4 stands in the model for the transform and its Signed "
         "Pre-Command together, so E5 checks it in Recovery; a transform alone is never checked.",
         "The project's decision (the simulator's supplier signs at once)", ("model",), in_rulebook=False),
    Rule("R-E5-8", AUTHORISATION,
         "By default 2.2 with CV 2 to a Suspended SMETS1 device fails E5, as Annex B's E5 row (the legal text) "
         "reads; a setting keeps the exception the report and Annex C name, for the DCC's practice they describe.",
         f"Seed §2 and Annex C §2.1 (the exception); {TABLE_22} (without it)", ("seed", "model"), in_rulebook=False),
    Rule("R-E17-1", AUTHORISATION,
         "Local delivery is asked for with Command Variant 2, 3, 6 or 7; it is never available for 8.1.1 or for a "
         "future-dated request, which fail E17.",
         f"{T22}, E17 row; {CV_TABLE}", ("seed", "duis"), in_rulebook=False),
    Rule("R-E17-2", AUTHORISATION,
         "For local delivery the device must be Pending, Whitelisted, InstalledNotCommissioned or Commissioned "
         "when an IS, ES or GS asks, and InstalledNotCommissioned or Commissioned when an ED, GT, RSA or OU "
         "asks; otherwise E17.",
         f"{T22}, E17 row", ("seed",), in_rulebook=False),
    Rule("R-E17-3", AUTHORISATION,
         "For a Recovered device, E17 uses the status it held just before Recovery.",
         f"{T22}, E17 row", ("seed",), in_rulebook=False),
    Rule("R-E17-4", AUTHORISATION,
         "A request for local delivery that passes is answered I0 with ResponseMessage/LocalCommand carrying its "
         "GBCS command; CV 3 and 7 also send it over the SM WAN, CV 2 and 6 do not.",
         f"DUIS schema: sr:LocalCommand; {CV_TABLE}; the I0 is the project's decision", ("duis", "model"),
         in_rulebook=False),
    Rule("R-E17-5", AUTHORISATION,
         "The SMETS1 top-up that R-E5-8's setting lets through to a Suspended device passes E17 too: it is a code for the "
         "customer to key in, not a command over the HAN.",
         "The project's decision, so that the seed's exception is not undone by E17", ("model",), in_rulebook=False),
    Rule("R-E19-1", AUTHORISATION,
         "E19 answers a request to a device the SMI does not hold once E4, E5 and E17 have passed (a Critical "
         "request, or an SRV exempt from E4).",
         f"{T22}, E19 row", ("seed",), in_rulebook=False),
    Rule("R-E19-2", AUTHORISATION,
         "A Non-Device request whose BusinessTargetID is not the DCC Access Control Broker fails E19.",
         f"{T22}, E19 row", ("seed",), in_rulebook=False),
    Rule("R-SRV-1", AUTHORISATION,
         "Every SRV of the DUIS request matrix is authorised; one the model has no device behaviour for is "
         "answered I99 when it passes and taken no further.",
         "DUIS request matrix (the catalogue); the I99 and stopping there are the project's decision",
         ("duis", "model"), in_rulebook=False),
    Rule("R-E5-6", AUTHORISATION,
         "A request that passes every check is acknowledged, then answered I0 with the device's reply; one that "
         "fails is answered with its E-code and never sent to the device.",
         "DUIS schema: the response codes (I99 acknowledgement, I0, the E-codes)", ("duis",)),
    # --- 4. CPL and suspension ---------------------------------------------------------------------------
    Rule("R-CPL-1", CPL,
         "Marking a firmware version Removed on the CPL suspends every device of that model the SMI shows running "
         "it, if Pending, Whitelisted, InstalledNotCommissioned, Commissioned or Recovered, and keeps the status "
         "it left in its history.",
         "Seed §2 Issue (a CPL removal suspends the devices on that firmware)", ("seed",)),
    Rule("R-CPL-2", CPL,
         "Each suspension sends the responsible supplier the DCC alert DeviceStatusChangeEvent/DeviceSuspended; "
         "its N-code is not published, so the project makes it a setting.",
         "DUIS schema: DCC alert DeviceStatusChangeEvent; the N-code is the project's decision", ("duis", "model")),
    Rule("R-CPL-3", CPL,
         "Restoring a device gives it back the status recorded just before it was suspended, never a fixed "
         "Commissioned.",
         CLAUSE, ("seed",)),
    # --- 5. Firmware processing: the version rule --------------------------------------------------------
    Rule("R-VER-1", FIRMWARE,
         "When the device reports the firmware version the SMI already holds, nothing changes and no alert is "
         "sent, unless R-VER-5 restores the device.",
         f"{CLAUSE} (it acts only on a version that differs)", ()),
    Rule("R-VER-2", FIRMWARE,
         "A reported version that differs from the SMI's and is Current on the CPL becomes the SMI's; where the "
         "rule set restores on that message, a Suspended device is restored and N29 goes to its supplier and "
         "network operator.",
         f"{CLAUSE}; {TABLE_41}, N29", ("seed",)),
    Rule("R-VER-3", FIRMWARE,
         "A reported version that differs and is Removed on the CPL is still written to the SMI, a Suspended "
         "device stays Suspended, and the supplier is warned with N50.",
         f"{CLAUSE}; {TABLE_41}, N50", ("seed",)),
    Rule("R-VER-4", FIRMWARE,
         "A reported version that differs and is not on the CPL at all leaves the SMI as it was, and the supplier "
         "is warned with N51.",
         f"{CLAUSE}; {TABLE_41}, N51", ("seed",)),
    Rule("R-VER-5", FIRMWARE,
         "A Suspended device reporting the version the SMI holds, once the CPL lists it Current again, is "
         "restored with N29 by any message that restores under its rule set (a setting keeps R-VER-1 alone).",
         f"{CLAUSE} ('now the current valid version')", ("seed",), in_rulebook=False),
    # --- 5. Firmware processing: which messages feed it, by rule set -------------------------------------
    Rule("R-112-1", FIRMWARE,
         "SR 11.2 to a Suspended device fails E5 under legacy and is let through under mp105-option1 and mp105.",
         f"Annex A, business requirement 1; {TABLE_22}", ("seed",)),
    Rule("R-112-2", FIRMWARE,
         "An 11.2 response from an ESME, GSME or CHF feeds the version rule; under legacy it cannot restore (the "
         "request never reaches a Suspended device), under both MP105 rule sets it can.",
         f"Annex A, business requirement 1; {CLAUSE}", ("seed",)),
    Rule("R-113-1", FIRMWARE,
         "An immediate 11.3 response that reports success feeds the version rule, with restore, under every rule set.",
         f"{CLAUSE} (the behaviour before MP105)", ("seed",)),
    Rule("R-113-2", FIRMWARE,
         "An 11.3 response with any other outcome (noImageHeld, hashMismatch, activationFailure), such as the "
         "answer to a retry after a lost first response, is ignored except under mp105, where the version it "
         "carries feeds the version rule with restore.",
         "Annex A, business requirement 2; seed §7 'Working Group change to the solution'", ("seed",)),
    Rule("R-113-3", FIRMWARE,
         "An 11.3 response without a firmware version (a SMETS1 retry) is ignored under every rule set.",
         "Seed §7 'DCC SMETS1 considerations' (restoring depends on a version being there)", ("seed",)),
    Rule("R-FD-1", FIRMWARE,
         "A future-dated 11.3 is only accepted when sent; the device reports how it went later, in alert 0x8F66 "
         "when it worked or 0x8F67 when it did not (message code 0x00CA, with outcome and version); legacy and "
         "mp105-option1 restore only on a successful 0x8F66 (R-FD-2 says what an 0x8F67 does there), mp105 "
         "restores on either.",
         f"DUIS and GBCS: alerts 0x8F66 and 0x8F67 (message code 0x00CA); {TABLE_41}, N50 and N51 triggers",
         ("seed", "duis")),
    Rule("R-FD-2", FIRMWARE,
         "Under legacy and mp105-option1 an 0x8F67 carrying a Current version unlike the SMI's writes it to the "
         "SMI without restoring, as one carrying a Removed version does (a setting keeps the N50/N51 branches only).",
         f"{TABLE_41}, N50 trigger (a 0x8F66 or 0x8F67 updates the SMI); {CLAUSE}", ("seed", "model"),
         in_rulebook=False),
    Rule("R-112-3", FIRMWARE,
         "The DSP updates the SMI itself from the device's response; no user has to do anything by hand.",
         "Annex A §2.1, the considerations of requirement 1", ("seed",)),
    Rule("R-112-4", FIRMWARE,
         "MP105 applies to SMETS1 and SMETS2 devices alike.",
         "Seed §7 'SMETS1 Devices'", ("seed",)),
    Rule("R-112-5", FIRMWARE,
         "Restoring by 11.2 covers ESMEs and GSMEs; a CHF's reported version is judged the way the N50/N51 "
         "triggers say; PPMIDs and HCALCSs wait for SECMP0007 and stay out unless configured.",
         f"Seed §7 'PPMIDs and HCALCSs'; {TABLE_41}, N50 and N51 triggers; PPMID and HCALCS are the project's "
         "decision", ("seed", "model")),
    Rule("R-112-6", FIRMWARE,
         "When a GPF answers 11.2, the version in its answer is its copy of the GSME's: it never restores the "
         "GSME, and when it differs from the GSME's SMI version N52 (FirmwareVersionMismatch) is sent, as before "
         "MP105 (to whom: R-ALERT-2).",
         "Seed §3 'Proposed Solution' and §7 (the GPF); DUIS alert N52", ("seed",)),
    Rule("R-ALERT-1", FIRMWARE,
         "N29 goes to the responsible supplier and the network operator (ED for an ESME or CHF, GT for a GSME); "
         "N50 and N51 to the responsible supplier; N52 to the gas supplier (and, R-ALERT-2, the gas transporter).",
         f"{TABLE_41}; {CLAUSE}", ("seed",)),
    Rule("R-ALERT-2", FIRMWARE,
         "N52 goes to the GSME's Service Users, its gas supplier and its gas transporter (a setting sends it to the "
         "gas supplier only).",
         "Seed §3 and Annex C §3.2 ('to the Service Users'); who they are is the project's reading",
         ("seed", "model"), in_rulebook=False),
    # --- 6. Devices --------------------------------------------------------------------------------------
    Rule("R-DEV-1", DEVICES,
         "A SMETS2 firmware update takes two steps: 11.1 sends the image to the device through its CHF, 11.3 "
         "activates it, and the hash in 11.3 must match the image the device holds.",
         "DUIS: SR 11.1 'Update Firmware' and SR 11.3 'Activate Firmware'", ("duis",)),
    Rule("R-DEV-2", DEVICES,
         "An 11.3 outcome is 0 success, 1 noImageHeld, 2 hashMismatch or 3 activationFailure, and every immediate "
         "SMETS2 11.3 response carries the version running now, whatever the outcome.",
         "DUIS schema: ActivateImageResponseCode and the 11.3 response", ("duis",)),
    Rule("R-DEV-3", DEVICES,
         "Once activated, the image is no longer held, so a second 11.3 gets noImageHeld together with the new "
         "version: why a legacy retry never restores, and why a fresh 11.1 + 11.3 is legacy's only way back.",
         "The project's decision, consistent with seed §2 Issue", ("seed", "model")),
    Rule("R-DEV-4", DEVICES,
         "Most SMETS1 devices update in one step (11.3 transfers and activates, no 11.1), and a SMETS1 11.3 retry "
         "response may lack the version (how often is a setting, always by default).",
         "Seed §7 'DCC SMETS1 considerations'; how often is the project's decision", ("seed", "model")),
    Rule("R-DEV-7", DEVICES,
         "A SMETS1 activation that fails may also answer without a firmware version, with the same configured "
         "chance as a retry.",
         "Annex C §3.2 ('a failed activation response may not contain firmware version'); the chance is the "
         "project's decision", ("seed", "model"), in_rulebook=False),
    Rule("R-DEV-5", DEVICES,
         "The GPF holds a copy of the GSME's firmware version that the GSME refreshes when it reports to the GPF; "
         "the copy may lag by a configurable time.",
         "The project's decision", ("model",)),
    Rule("R-DEV-6", DEVICES,
         "A message can be lost in either direction, per SRV, and a device can be offline for a while; a lost "
         "device response leaves the DSP without the outcome, and after the timeout the user gets E21 (or, as a "
         "setting, nothing).",
         "DUIS: response code E21; losses, offline windows and silence are the project's decisions",
         ("duis", "model")),
    # --- 7. Service users --------------------------------------------------------------------------------
    Rule("R-SU-1", SERVICE_USERS,
         "A firmware campaign sends 11.1 (SMETS2) to each device of a model, then 11.3 once the image is held.",
         "DUIS: SR 11.1 and SR 11.3, as a supplier runs them", ("duis",)),
    Rule("R-SU-2", SERVICE_USERS,
         "A supplier with automated retry sends 11.3 again when no successful response arrives before its "
         "deadline, up to N times.",
         "Seed §3 'Updating the Device status using SR 11.3'", ("seed",)),
    Rule("R-SU-3", SERVICE_USERS,
         "A recovery sweep reads the inventory (8.2) for the supplier's devices still Suspended and sends each one "
         "11.2, up to M times.",
         "Annex A, business requirement 1 (the route MP105 opens)", ("seed",)),
    Rule("R-SU-4", SERVICE_USERS,
         "Under legacy the only recovery is another 11.1 + 11.3 for a device still Suspended, each counted as a "
         "wasted firmware update.",
         "Seed §2 Issue", ("seed",)),
)

REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("Req-1", "The DCC processes SR 11.2 'Read Firmware Version' for a device whose SMI status is Suspended.",
                "Annex A, business requirements v1.1, Ref. 1"),
    Requirement("Req-2", "The response to a Service User's automated second SR 11.3 'Activate Firmware' updates "
                "the SMI with the new firmware version, and then the device's status.",
                "Annex A, business requirements v1.1, Ref. 2"),
)


def rule(rule_id: str) -> Rule:
    """The catalogue's rule with this ID; KeyError for an ID it does not hold."""
    for entry in RULES:
        if entry.id == rule_id:
            return entry
    raise KeyError(rule_id)


def rules_in(*sections: str) -> tuple[Rule, ...]:
    """The rules of the given sections (their titles, or their numbers: "3", "5"), in catalogue order."""
    def wanted(section: str) -> bool:
        return section in sections or section.split(".")[0] in sections

    return tuple(entry for entry in RULES if wanted(entry.section))
