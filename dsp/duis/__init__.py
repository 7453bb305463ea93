"""DUIS codec: safe XML parsing (safe_xml), XSD validation (schema), Request/Response envelopes
(envelope, bodies, xmlread), firmware facts from GBCS payloads (gbcs, gbcs_frame, gbcs_encodings);
DUIS requests into the DSP's records (request_mapping) and the DSP's messages back out as DUIS XML
(render, gbcs_build, clock), joined in codec; one error type (errors.DuisError)."""

from dsp.duis.codec import DuisCodec, describe, trace_xml

__all__ = ["DuisCodec", "describe", "trace_xml"]
