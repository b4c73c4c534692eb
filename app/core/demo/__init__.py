"""An invented demonstration school, for trying Footprint without real data."""

from app.core.demo.school import build_demo_school

__all__ = ["build_demo_school"]
