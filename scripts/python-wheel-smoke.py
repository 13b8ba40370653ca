"""Runs the Pre-Fill flow and one asyncio call with the installed prove_sdk wheel against the
sandbox built into its native module. The release workflow runs it after installing each wheel on
the platform it was built for (run it from outside python/, so that the installed package is the
one imported). Usage: python scripts/python-wheel-smoke.py
"""

import asyncio
import platform
import sys

from prove_sdk.testing import Sandbox


def main() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client()
        started = client.flow.start(flow_type="mobile", phone_number="2001001695")
        assert client.flow.validate(correlation_id=started.correlation_id).success
        challenged = client.flow.challenge(correlation_id=started.correlation_id, dob="1981-01-17")
        done = client.flow.complete(
            correlation_id=started.correlation_id,
            individual={"firstName": challenged.individual.first_name, "lastName": challenged.individual.last_name},
        )
        assert done.success
        assert asyncio.run(sandbox.async_client().domain.id())
    print(
        "Python %d.%d on %s %s: the Pre-Fill flow ran from the installed wheel"
        % (sys.version_info[0], sys.version_info[1], platform.system(), platform.machine())
    )


if __name__ == "__main__":
    main()
