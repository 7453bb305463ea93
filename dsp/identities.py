"""The parties' identities the project uses, as the DCC's Reference Test Data Set (RTDS) spells them, so the
RTDS request templates work unchanged against the model and every message it renders names them alike.

| EUI-64 | Who |
|---|---|
| 90-B3-D5-1F-30-00-00-02 | the DCC (its Access Control Broker): the BusinessTargetID of Non-Device Service Requests, the originator of DCC alerts |
| 90-B3-D5-1F-30-01-00-00 | the RTDS supplier (IS and GS): the simulator's supplier of every device |
| 90-B3-D5-1F-30-02-00-00 | the RTDS network operator: the simulator's electricity distributor (ED) |
| 90-B3-D5-1F-30-04-00-00 | the simulator's gas transporter (GT) |
"""
from __future__ import annotations

DCC_ACCESS_CONTROL_BROKER = "90-B3-D5-1F-30-00-00-02"
RTDS_SUPPLIER = "90-B3-D5-1F-30-01-00-00"
RTDS_NETWORK_OPERATOR = "90-B3-D5-1F-30-02-00-00"
GAS_TRANSPORTER = "90-B3-D5-1F-30-04-00-00"
