"""config.hosts: which addresses internwatch may reach on its own initiative (SPEC §5, §6)."""

from __future__ import annotations

import socket

import pytest

from config.hosts import BlockedAddress, check_host, is_public, public_only_resolution


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "127.8.9.10", "::1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
     "fe80::1", "fc00::1", "0.0.0.0", "100.64.0.1", "224.0.0.1", "::ffff:127.0.0.1", "240.0.0.1"],
)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public(address)
    with pytest.raises(BlockedAddress, match="allow_private_hosts"):
        check_host(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "151.101.1.69", "2606:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert is_public(address)
    check_host(address)


def test_a_name_is_checked_by_the_address_it_resolves_to() -> None:
    with pytest.raises(BlockedAddress, match="127.0.0.1"):
        check_host("localhost")


def test_an_allowed_host_passes_by_name_only() -> None:
    check_host("localhost", allowed=["LOCALHOST"])
    check_host("127.0.0.1", allowed=["127.0.0.1"])
    with pytest.raises(BlockedAddress):
        check_host("127.0.0.1", allowed=["localhost"])  # another name is another host


def test_guarded_resolution_drops_private_answers_unless_allowed() -> None:
    with public_only_resolution(allowed=["127.0.0.1"]):
        with pytest.raises(socket.gaierror):
            socket.getaddrinfo("localhost", 80)
        assert socket.getaddrinfo("127.0.0.1", 80)
    assert socket.getaddrinfo("localhost", 80)  # restored afterwards
