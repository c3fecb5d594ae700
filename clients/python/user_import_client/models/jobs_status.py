from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.jobs_status_runner import JobsStatusRunner
from typing import cast






T = TypeVar("T", bound="JobsStatus")



@_attrs_define
class JobsStatus:
    """ 
        Attributes:
            runner (JobsStatusRunner): workers: `userimport worker` processes run jobs (PostgreSQL); embedded: this server
                runs them itself; off: no staging key, job-sized files are refused (503).
            live_workers (int | None): Worker processes that reported within USERIMPORT_WORKER_STALLED_SECONDS (workers
                only). 0 means jobs wait: start `userimport worker`.
            waiting_tasks (int | None): Tasks of jobs waiting for a worker (workers only).
     """

    runner: JobsStatusRunner
    live_workers: int | None
    waiting_tasks: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        runner = self.runner.value

        live_workers: int | None
        live_workers = self.live_workers

        waiting_tasks: int | None
        waiting_tasks = self.waiting_tasks


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "runner": runner,
            "live_workers": live_workers,
            "waiting_tasks": waiting_tasks,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        runner = JobsStatusRunner(d.pop("runner"))




        def _parse_live_workers(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        live_workers = _parse_live_workers(d.pop("live_workers"))


        def _parse_waiting_tasks(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        waiting_tasks = _parse_waiting_tasks(d.pop("waiting_tasks"))


        jobs_status = cls(
            runner=runner,
            live_workers=live_workers,
            waiting_tasks=waiting_tasks,
        )


        jobs_status.additional_properties = d
        return jobs_status

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
