"""The plan's sixteen tasks (二、重点任务) and the work on them: the task list with its versions,
the accountable units, the quarterly progress reports (file and form), and each task's status
against 序时进度 (跟踪问效, issue 17)."""
