"""Many lectures at once: one independent job a topic, through any `concurrent.futures` executor.

    jobs.py        topics, `BatchPlan`, `run_batch`, and `run_lecture`: the job each worker runs
    executors.py   where the jobs run: local processes, Dask, Ray (`open_executor`)
    report.py      results.csv and report.md; figure.py: figure.svg
    cli.py         `code2video batch`

Workers unpickle a job by its defining module (`code2video_nb.batch.jobs.run_lecture`), not by
the names re-exported here, so this file may list what it likes.
"""

from .jobs import BatchPlan, LectureJob, TopicResult, load_topics, run_batch, run_lecture
from .report import write_report

__all__ = ["BatchPlan", "LectureJob", "TopicResult", "load_topics", "run_batch", "run_lecture", "write_report"]
