"""DUIS codec: safe XML parsing (safe_xml), XSD validation (schema), Request/Response envelopes
(envelope, bodies, xmlread) and firmware facts from GBCS payloads (gbcs, gbcs_frame, gbcs_encodings);
one error type (errors.DuisError)."""
