"""Reads a DAG file written by `sluice export airflow` and prints its DAGs as JSON.

The file is first parsed with `ast` (it must be valid Python), then executed with small stand-ins
for the Airflow and pendulum modules that record every DAG (id and settings), every task (id, its
shell command, retries, timeout), every edge (`a >> b`) and whether each DAG is bound to a
module-level name. Used by AirflowExportTest.
"""

import ast
import json
import sys
import types

path = sys.argv[1]
source = open(path, encoding="utf-8").read()
ast.parse(source, filename=path)

dags = {}
opened = []


class DAG:
    def __init__(self, dag_id, **settings):
        self.dag_id = dag_id
        self.settings = settings
        self.tasks = {}
        self.edges = []
        dags[dag_id] = self

    def __enter__(self):
        opened.append(self)
        return self

    def __exit__(self, *exception):
        opened.pop()


class BashOperator:
    def __init__(self, task_id, bash_command, **settings):
        self.task_id = task_id
        self.dag = opened[-1]
        timeout = settings.get("execution_timeout")
        self.dag.tasks[task_id] = {
            "command": bash_command,
            "retries": settings.get("retries"),
            "retry-delay": settings["retry_delay"].total_seconds(),
            "max-retry-delay": settings["max_retry_delay"].total_seconds(),
            "timeout": None if timeout is None else timeout.total_seconds(),
            "pool": settings.get("pool"),
        }

    def __rshift__(self, other):
        self.dag.edges.append([self.task_id, other.task_id])
        return other


airflow = types.ModuleType("airflow")
airflow.DAG = DAG
operators = types.ModuleType("airflow.operators")
bash = types.ModuleType("airflow.operators.bash")
bash.BashOperator = BashOperator
pendulum = types.ModuleType("pendulum")
pendulum.datetime = lambda year, month, day, tz: f"{year:04d}-{month:02d}-{day:02d} {tz}"
sys.modules.update(
    {
        "airflow": airflow,
        "airflow.operators": operators,
        "airflow.operators.bash": bash,
        "pendulum": pendulum,
    }
)
namespace = {"__name__": "dag_file"}
exec(compile(source, path, "exec"), namespace)

schedule = lambda s: None if s is None else (str(s.total_seconds()) if hasattr(s, "total_seconds") else s)
print(
    json.dumps(
        {
            dag.dag_id: {
                "schedule": schedule(dag.settings["schedule"]),
                "start-date": dag.settings["start_date"],
                "catchup": dag.settings["catchup"],
                "paused": dag.settings["is_paused_upon_creation"],
                # Airflow before 2.4 finds only DAGs bound to a module-level name
                "module-level": any(value is dag for value in namespace.values()),
                "tasks": dag.tasks,
                "edges": dag.edges,
            }
            for dag in dags.values()
        },
        sort_keys=True,
    )
)
