"""ePayment Lab's simulator of the Vipps MobilePay ePayment test environment (stands alone)."""

from simulator.config import DEFAULT_SALES_UNIT, SalesUnit, SimulatorConfig
from simulator.models import EPaymentBackend
from simulator.observe import ObservedExchange
from simulator.server import SimulatorServer
from simulator.transitions import TransitionPolicy

__all__ = [
    "DEFAULT_SALES_UNIT",
    "EPaymentBackend",
    "ObservedExchange",
    "SalesUnit",
    "SimulatorConfig",
    "SimulatorServer",
    "TransitionPolicy",
]
