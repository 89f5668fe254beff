"""The tool's full launch beside pylti1p3's own Flask example, in one run, as ratios.

    python -m bench.versus_example [--configs sqlite,postgres,sqlite+redis,postgres+redis]
                                   [--rounds 7] [--launches 150] [--warmup 30] [--concurrency 4]

Every stack runs at once on this machine, each under gunicorn with 2 sync workers (the Procfile's)
and its own development platform in this process: the tool in each configuration asked for (SQLite
or PostgreSQL, launch state in the database or in Redis), and the reference
(`bench/reference_app.py`: pylti1p3's documented Flask API used as its example uses it, launch state
in Flask-Caching's Redis cache, or a cache directory when Redis does not answer). One load generator
(`--concurrency` browser threads) then drives identical full launches — OIDC login, the platform's
/auth, the id_token POST, the first page — in `--rounds` interleaved rounds: in each round every
stack gets `--launches` launches, in an order that rotates from round to round, so a slow moment of
the machine falls on every stack in turn.

Per stack and round: launches/s (wall time of the round) and worker CPU per launch (the workers'
user and system time from /proc/<pid>/stat, before and after the round, over the launches). Ratios are
taken against the reference in the same round: launches/s tool / reference (≥ 1: the tool
launches at least as fast), CPU reference / tool (≥ 1: the tool spends no more per launch). The
report gives the median of each over the rounds, and each worker's resident memory (VmRSS) after
the last round, when each stack has served warm-up + rounds × launches (1,080 by default).
Writes bench/results/<timestamp>-versus-example.json. Exit status 1 on any failed launch.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform as host
import statistics
import sys
import tempfile
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import redis
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bench.harness import (
    DEFAULT_REDIS_URL,
    REDIS_PREFIX,
    RESULTS_DIR,
    Stack,
    ToolServer,
    configured_postgres_url,
    launch_stack,
    listen_on_free_port,
    postgres_answers,
    run_launches,
    serve_gunicorn,
    serve_platform,
)

CONFIGS = ("sqlite", "postgres", "sqlite+redis", "postgres+redis")
REFERENCE = "pylti1p3 example"


# -- the reference ------------------------------------------------------------------------------


def write_reference_config(workdir: Path, settings: Any) -> Path:
    """pylti1p3's JSON tool configuration (`ToolConfJsonFile`) for the platform, with a fresh
    tool key pair in files beside it, as the example keeps them in `configs/`."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (workdir / "private.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (workdir / "public.key").write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    config = {
        settings.issuer: [
            {
                "default": True,
                "client_id": settings.client_id,
                "auth_login_url": settings.url("/auth"),
                "auth_token_url": settings.url("/token"),
                "auth_audience": None,
                "key_set_url": settings.url("/jwks"),
                "key_set": None,
                "private_key_file": "private.key",
                "public_key_file": "public.key",
                "deployment_ids": [settings.deployment_id],
            }
        ]
    }
    path = workdir / "tool.json"
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return path


@contextmanager
def reference_stack(workdir: Path, redis_url: str | None, workers: int):  # type: ignore[no-untyped-def]
    workdir.mkdir(parents=True, exist_ok=True)
    listener = listen_on_free_port()
    base_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    try:
        with serve_platform(base_url) as platform:
            env = {
                name: value
                for name, value in os.environ.items()
                if not name.startswith(("LTI_TOOL_", "REFERENCE_")) and name != "GUNICORN_CMD_ARGS"
            }
            env |= {
                "REFERENCE_CONFIG": str(write_reference_config(workdir, platform.settings)),
                "PYTHONUNBUFFERED": "1",
            }
            if redis_url:
                env |= {
                    "REFERENCE_REDIS_URL": redis_url,
                    "REFERENCE_REDIS_PREFIX": REDIS_PREFIX + "ref:",
                }
            else:
                (workdir / "cache").mkdir()
                env["REFERENCE_CACHE_DIR"] = str(workdir / "cache")
            with serve_gunicorn(
                listener,
                "bench.reference_app:create_app()",
                env=env,
                workdir=workdir,
                workers=workers,
            ) as server:
                yield Stack(server, platform, "", redis_url)
    finally:
        listener.close()


# -- worker CPU and memory ----------------------------------------------------------------------


def worker_pids(server: ToolServer) -> list[int]:
    master = server.process.pid
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def on_cpu_seconds(pids: list[int]) -> float:
    """CPU time of the processes, user and system, every thread counted, ended ones too
    (/proc/<pid>/stat, in clock ticks: 10 ms, about 1 % of a round's time per worker)."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def resident_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


# -- the run ------------------------------------------------------------------------------------


@dataclass
class Contender:
    name: str
    stack: Stack
    page_in_launch_response: bool
    rounds: list[dict[str, float]] = field(default_factory=list)
    launches: int = 0
    errors: list[str] = field(default_factory=list)

    def run(self, count: int, concurrency: int, tag: str) -> dict[str, float]:
        pids = worker_pids(self.stack.tool)
        before = on_cpu_seconds(pids)
        results, seconds = run_launches(
            self.stack,
            count,
            concurrency=concurrency,
            tag_prefix=tag,
            page_in_launch_response=self.page_in_launch_response,
        )
        cpu = on_cpu_seconds(pids) - before
        if worker_pids(self.stack.tool) != pids:
            self.errors.append(f"{tag}: a worker was replaced during the round")
        ok = sum(result.ok for result in results)
        self.errors.extend(f"{tag}: {r.error}" for r in results if not r.ok)
        self.launches += len(results)
        return {
            "launches_per_second": ok / seconds,
            "cpu_ms_per_launch": cpu * 1000 / max(ok, 1),
            "ok": ok,
        }


def parse_options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.versus_example", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--configs", default=",".join(CONFIGS), help="tool configurations")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--launches", type=int, default=150, help="per stack and round")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args(argv)
    options.configs = [name.strip() for name in options.configs.split(",") if name.strip()]
    unknown = set(options.configs) - set(CONFIGS)
    if unknown or not options.configs:
        parser.error(f"--configs: choose among {', '.join(CONFIGS)}")
    if not 1 <= options.rounds <= 50 or not 1 <= options.launches <= 5000:
        parser.error("--rounds must be 1..50 and --launches 1..5000")
    options.postgres_url = configured_postgres_url()
    options.redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    return options


def redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except (OSError, redis.RedisError):
        return False


def main(argv: list[str] | None = None) -> int:
    options = parse_options(argv)
    has_redis = redis_answers(options.redis_url)
    has_postgres = postgres_answers(options.postgres_url)
    configs = [
        name
        for name in options.configs
        if (has_redis or "redis" not in name) and (has_postgres or "postgres" not in name)
    ]
    for name in set(options.configs) - set(configs):
        print(f"skipped {name}: {'Redis' if 'redis' in name else 'PostgreSQL'} does not answer")
    started = datetime.now(UTC)
    with ExitStack() as stacks, tempfile.TemporaryDirectory(prefix="bench-versus-") as tmp:
        contenders = [
            Contender(
                REFERENCE,
                stacks.enter_context(
                    reference_stack(
                        Path(tmp) / "reference",
                        options.redis_url if has_redis else None,
                        options.workers,
                    )
                ),
                page_in_launch_response=True,
            )
        ]
        for name in configs:
            database, _, state = name.partition("+")
            stack = stacks.enter_context(
                launch_stack(
                    Path(tmp) / name,
                    database=database,
                    postgres_url=options.postgres_url,
                    redis_url=options.redis_url if state == "redis" else None,
                    workers=options.workers,
                    log_level="INFO",  # as production logs: one line per login and per launch
                )
            )
            contenders.append(Contender(f"tool, {name}", stack, page_in_launch_response=False))
        print(
            f"{len(contenders)} stacks, {options.rounds} rounds of {options.launches} launches each "
            f"after {options.warmup} warm-up, {options.concurrency} clients, "
            f"{options.workers} gunicorn workers each, {os.cpu_count()} CPUs"
        )
        for contender in contenders:
            contender.run(options.warmup, options.concurrency, "warmup")
        for number in range(options.rounds):
            shift = number % len(contenders)
            for contender in contenders[shift:] + contenders[:shift]:
                contender.rounds.append(
                    contender.run(options.launches, options.concurrency, f"r{number}")
                )
        memory = {
            contender.name: [resident_kib(pid) for pid in worker_pids(contender.stack.tool)]
            for contender in contenders
        }
    report = build_report(contenders, memory, options, started)
    print_report(report)
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{started.strftime('%Y%m%dT%H%M%SZ')}-versus-example.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nWritten {path}")
    return 1 if any(contender.errors for contender in contenders) else 0


def build_report(
    contenders: list[Contender],
    memory: dict[str, list[int]],
    options: argparse.Namespace,
    started: datetime,
) -> dict[str, Any]:
    reference = contenders[0]
    rows = []
    for contender in contenders:
        lps = [r["launches_per_second"] for r in contender.rounds]
        cpu = [r["cpu_ms_per_launch"] for r in contender.rounds]
        row: dict[str, Any] = {
            "name": contender.name,
            "launches_per_second_median": round(statistics.median(lps), 1),
            "cpu_ms_per_launch_median": round(statistics.median(cpu), 2),
            "launches_served": contender.launches,
            "worker_rss_mib": [round(kib / 1024, 1) for kib in memory[contender.name]],
            "errors": len(contender.errors),
            "error_samples": contender.errors[:5],
            "rounds": contender.rounds,
        }
        if contender is not reference:
            pairs = list(zip(contender.rounds, reference.rounds, strict=True))
            row["launches_per_second_ratio"] = round(
                statistics.median(
                    t["launches_per_second"] / r["launches_per_second"] for t, r in pairs
                ),
                2,
            )
            row["cpu_ratio"] = round(
                statistics.median(
                    r["cpu_ms_per_launch"] / t["cpu_ms_per_launch"] for t, r in pairs
                ),
                2,
            )
            row["rss_ratio"] = round(
                statistics.fmean(memory[reference.name]) / statistics.fmean(memory[contender.name]),
                2,
            )
        rows.append(row)
    return {
        "started_at": started.isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": host.platform(),
            "python": host.python_version(),
            "gunicorn": version("gunicorn"),
            "pylti1p3": version("pylti1p3"),
        },
        "settings": {
            "rounds": options.rounds,
            "launches": options.launches,
            "warmup": options.warmup,
            "concurrency": options.concurrency,
            "workers": options.workers,
        },
        "stacks": rows,
    }


def print_report(report: dict[str, Any]) -> None:
    print(
        f"\n{'stack':<26}{'launches/s':>11}{'CPU ms/launch':>15}{'ratio l/s':>11}{'ratio CPU':>11}"
        f"{'worker RSS MiB':>17}{'ratio RSS':>11}{'errors':>8}"
    )
    for row in report["stacks"]:
        rss = "/".join(f"{value:g}" for value in row["worker_rss_mib"])
        print(
            f"{row['name']:<26}{row['launches_per_second_median']:>11}"
            f"{row['cpu_ms_per_launch_median']:>15}"
            f"{row.get('launches_per_second_ratio', '—'):>11}{row.get('cpu_ratio', '—'):>11}"
            f"{rss:>17}{row.get('rss_ratio', '—'):>11}{row['errors']:>8}"
        )
        for sample in row["error_samples"]:
            print(f"    error: {sample}")
    print(
        "ratios: median over the rounds of tool / reference launches/s and reference / tool CPU "
        "(≥ 1: the tool is at least as cheap); RSS: reference / tool, mean per worker, after "
        f"{report['stacks'][0]['launches_served']} launches"
    )


if __name__ == "__main__":
    sys.exit(main())
