"""Clients the scheduler (and the resource tracker) use to reach other services.

report.py holds SchedulerReportClient, the Placement client: resource
providers, inventories, allocation candidates and allocations.
"""
