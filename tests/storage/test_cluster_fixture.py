"""The Redis Cluster the tests run against with ``--redis=cluster`` is a real one.

With ``--redis=cluster`` these check the session's cluster and the ``redis`` fixture itself; in
the default (single server) run they start a 3-master cluster of their own for this module, so
that the launcher (bot/cli/embedded_cluster.py) is checked on every run. The failover test starts
a cluster with one replica per master.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import cast

import pytest
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import ClusterCrossSlotError, RedisClusterException

from bot.cli.embedded_cluster import SLOTS, EmbeddedCluster, parse_info
from storage.connection import Redis, connect, is_cluster
from tests.conftest import ClusterServer, cluster_mode, flush_everything

SAME_SLOT_SCRIPT = """
redis.call('SET', KEYS[1], ARGV[1])
redis.call('RPUSH', KEYS[2], ARGV[1])
return redis.call('LLEN', KEYS[2])
"""


@pytest.fixture(scope="module")
def cluster(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EmbeddedCluster]:
    if cluster_mode(request.config):
        server = request.getfixturevalue("redis_server")
        assert isinstance(server, ClusterServer)
        yield server.cluster
        return
    with EmbeddedCluster(tmp_path_factory.mktemp("cluster"), masters=3) as own:
        yield own


@pytest.fixture
async def client(cluster: EmbeddedCluster) -> AsyncIterator[Redis]:
    own = connect(cluster.url)
    await flush_everything(own)
    yield own
    await own.aclose()


def as_cluster(client: Redis) -> RedisCluster:
    assert is_cluster(client)
    return cast(RedisCluster, client)


async def keys_per_primary(client: Redis) -> list[int]:
    rc = as_cluster(client)
    return [int(await rc.dbsize(target_nodes=node)) for node in rc.get_primaries()]


async def test_it_is_three_masters_serving_every_slot(
    cluster: EmbeddedCluster, client: Redis
) -> None:
    assert cluster.url.startswith("redis+cluster://")
    assert await keys_per_primary(client) == [0, 0, 0]  # flushed before the test
    assert len(cluster.masters()) == 3 and cluster.replicas() == []
    for node in cluster.nodes:
        info = parse_info(node.call("CLUSTER", "INFO"))
        assert info["cluster_state"] == "ok"
        assert info["cluster_size"] == "3"
        assert int(info["cluster_slots_ok"]) == SLOTS
    rc = as_cluster(client)
    primaries = {node.port for node in rc.get_primaries()}
    assert primaries == {node.port for node in cluster.masters()}
    assert rc.get_replicas() == []
    owners = {rc.nodes_manager.slots_cache[slot][0].port for slot in range(SLOTS)}
    assert owners == primaries


async def test_keys_spread_over_the_masters(client: Redis) -> None:
    for i in range(300):
        await client.set(f"spread:{i}", i)
    counts = await keys_per_primary(client)
    assert sum(counts) == 300
    assert all(n > 30 for n in counts), counts  # hash slots spread them: none is near empty


async def test_the_redis_fixture_is_a_flushed_client_of_that_cluster(
    request: pytest.FixtureRequest, redis_server: object, redis: Redis
) -> None:
    """(After the test above, which leaves 300 keys behind.)"""
    if not cluster_mode(request.config):
        pytest.skip("the redis fixture is a cluster client with --redis=cluster only")
    assert isinstance(redis_server, ClusterServer)
    assert await keys_per_primary(redis) == [0, 0, 0]
    primaries = {n.port for n in as_cluster(redis).get_primaries()}
    assert primaries == {n.port for n in redis_server.cluster.masters()}


async def test_a_script_and_a_transaction_on_one_hash_tag_work(client: Redis) -> None:
    assert await keys_per_primary(client) == [0, 0, 0]
    script = client.register_script(SAME_SLOT_SCRIPT)
    assert await script(keys=["{room1}:last", "{room1}:lines"], args=["a"]) == 1
    assert await script(keys=["{room1}:last", "{room1}:lines"], args=["b"]) == 2
    assert await client.get("{room1}:last") == b"b"
    pipe = client.pipeline(transaction=True)
    pipe.incr("{room1}:count")
    pipe.rpush("{room1}:lines", "c")
    pipe.lrange("{room1}:lines", 0, -1)
    assert await pipe.execute() == [1, 3, [b"a", b"b", b"c"]]


async def test_a_script_across_slots_fails_with_crossslot(client: Redis) -> None:
    rc = as_cluster(client)
    a, b = "room1:last", "room2:lines"
    assert rc.keyslot(a) != rc.keyslot(b)
    script = client.register_script(SAME_SLOT_SCRIPT)
    with pytest.raises(RedisClusterException, match="same key slot"):  # refused by the client
        await script(keys=[a, b], args=["x"])
    node = rc.get_node_from_key(a)
    with pytest.raises(ClusterCrossSlotError):  # and by Redis itself (its CROSSSLOT error)
        await rc.execute_command("EVAL", SAME_SLOT_SCRIPT, 2, a, b, "x", target_nodes=node)
    assert await client.exists(a, b) == 0  # nothing was written


@pytest.mark.slow  # about 15 s: a cluster with replicas, a failover and a node's return
async def test_kill_master_fails_over_to_its_replica_and_the_data_stays(tmp_path: Path) -> None:
    with EmbeddedCluster(tmp_path / "cluster", masters=3, replicas_per_master=1) as cluster:
        assert len(cluster.masters()) == 3 and len(cluster.replicas()) == 3
        client = connect(cluster.url)
        try:
            for i in range(100):
                await client.set(f"kept:{i}", i)
            await as_cluster(client).execute_command(
                "WAIT", 1, 2000, target_nodes=RedisCluster.PRIMARIES
            )  # every write is on a replica too
            before = {node.port for node in cluster.masters()}
            killed = cluster.kill_master(1)
            took = cluster.wait_for_failover()
            assert 0 < took < 30
            after = {node.port for node in cluster.masters()}
            assert killed.port not in after and len(after) == 3 and len(after - before) == 1
            started = time.monotonic()
            values = [await client.get(f"kept:{i}") for i in range(100)]
            assert values == [str(i).encode() for i in range(100)]
            assert time.monotonic() - started < 30
            cluster.restart(killed)
            assert killed in cluster.replicas()  # back as a replica of the promoted node
            assert {node.port for node in cluster.masters()} == after
        finally:
            await client.aclose()


@pytest.mark.slow  # about 15 s: a cluster with replicas and a failover under writes
async def test_commands_wait_out_a_failover_instead_of_failing(tmp_path: Path) -> None:
    # Writes keep coming while one master is killed: each waits (a few seconds at most) until
    # the replica has taken the master's slots, instead of failing at once (storage.connection's
    # PatientCluster). Nothing acknowledged is missing afterwards except what the dead master
    # had not yet sent to its replica (Redis replicates asynchronously): here the writer waits
    # for the replica after every write, so nothing at all.
    with EmbeddedCluster(tmp_path / "cluster", masters=3, replicas_per_master=1) as cluster:
        client = connect(cluster.url)
        acked: list[int] = []
        failed: list[str] = []
        stop = asyncio.Event()

        async def writer() -> None:
            i = 0
            while not stop.is_set():
                key = f"{{w{i % 64}}}:n{i}"
                try:
                    await client.set(key, i)
                    node = as_cluster(client).get_node_from_key(key)
                    await as_cluster(client).execute_command("WAIT", 1, 500, target_nodes=node)
                    acked.append(i)
                except Exception as exc:  # counted: the test says how many there were
                    failed.append(f"{type(exc).__name__}: {exc}")
                i += 1
                await asyncio.sleep(0.002)

        try:
            task = asyncio.create_task(writer())
            await asyncio.sleep(0.5)
            await asyncio.to_thread(cluster.kill_master, 0)
            took = await asyncio.to_thread(cluster.wait_for_failover)
            await asyncio.sleep(1.0)
            stop.set()
            await task
            assert failed == [], f"{len(failed)} writes failed during a {took:.1f} s failover"
            assert len(acked) > 100
            values = [await client.get(f"{{w{i % 64}}}:n{i}") for i in acked]
            assert values == [str(i).encode() for i in acked]
        finally:
            await client.aclose()
