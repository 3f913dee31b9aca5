"""Adapter for Tencent Cloud Infinite (CI): signer, client, parsing, typed results."""

from bot.tencent.client import CIClient
from bot.tencent.jobid import InvalidJobId, is_job_id
from bot.tencent.results import CancelResult, CIBadResponse, CIError, CILocalError, CINetworkError, CIServiceError, Flag, JobStatus

__all__ = [
    "CIBadResponse",
    "CIClient",
    "CIError",
    "CILocalError",
    "CINetworkError",
    "CIServiceError",
    "CancelResult",
    "Flag",
    "InvalidJobId",
    "JobStatus",
    "is_job_id",
]
