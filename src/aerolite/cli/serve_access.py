"""The ``serve`` options for access control and TLS, and the rule that keeps an open port off the network."""

from __future__ import annotations

import argparse
import ipaddress
from pathlib import Path

from aerolite.server.security.config import DEFAULT_SESSION_TTL, AccessConfig


def add_access_options(serve: argparse.ArgumentParser) -> None:
    """Add ``--security``, ``--admin-password-file``, ``--session-ttl``, ``--insecure`` and the ``--tls-*`` options."""
    group = serve.add_argument_group("access control and TLS")
    group.add_argument("--security", action="store_true",
                       help="require a login (users and roles persist in --data-dir)")
    group.add_argument("--admin-password-file", type=Path, metavar="FILE",
                       help="first start with --security: the password of the user 'admin' (first line of FILE)")
    group.add_argument("--session-ttl", type=int, default=DEFAULT_SESSION_TTL, metavar="SECONDS",
                       help=f"how long a login's session token is valid (default {DEFAULT_SESSION_TTL})")
    group.add_argument("--tls-cert", type=Path, metavar="FILE", help="serve TLS only, with this certificate (PEM)")
    group.add_argument("--tls-key", type=Path, metavar="FILE", help="the private key of --tls-cert (PEM)")
    group.add_argument("--tls-name", default="", metavar="NAME",
                       help="the name in --tls-cert, by which the nodes of --nodes N announce each other to clients")
    group.add_argument("--tls-ca", type=Path, metavar="FILE",
                       help="require client certificates signed by this CA (PEM)")
    group.add_argument("--insecure", action="store_true",
                       help="allow a non-loopback --host without --security")


def access_config(args: argparse.Namespace) -> AccessConfig:
    """The access settings of ``serve``; ValueError (one line) for a combination that is unsafe or incomplete."""
    if not args.security and not args.insecure and not _is_loopback(args.host):
        raise ValueError(f"refusing to serve {args.host} without access control: anyone who reaches it could read "
                         "and change every record; add --security (or --insecure to accept that)")
    if args.admin_password_file is not None and not args.security:
        raise ValueError("--admin-password-file needs --security")
    if (args.tls_cert is None) != (args.tls_key is None):
        raise ValueError("--tls-cert and --tls-key go together")
    if args.tls_cert is None and args.tls_name:
        raise ValueError("--tls-name needs --tls-cert and --tls-key")
    if args.tls_cert is None and args.tls_ca is not None:
        raise ValueError("--tls-ca needs --tls-cert and --tls-key")
    if args.session_ttl < 1:
        raise ValueError(f"--session-ttl must be at least 1 second, not {args.session_ttl}")
    return AccessConfig(security=args.security, admin_password_file=args.admin_password_file,
                        session_ttl=args.session_ttl, tls_cert=args.tls_cert, tls_key=args.tls_key,
                        tls_ca=args.tls_ca, tls_name=args.tls_name)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
