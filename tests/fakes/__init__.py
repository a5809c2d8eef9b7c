"""Fakes of the networks on 127.0.0.1: the loopback, the replayed sources, the fault server."""
