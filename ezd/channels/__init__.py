"""Dispatch channels: where signed outgoing letters go (ePUAP, e-Doręczenia, post)."""
