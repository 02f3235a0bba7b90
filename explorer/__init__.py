"""Attention Explorer: self-attention and multi-head attention, computed exactly and drawn live."""
import os as _os

# OpenBLAS's worker threads spin for about 2^28 cycles after every product before they sleep. Our
# products are short and come between other work on the same two cores (a helper thread drawing
# weight tiles, Qt painting), which the spinning threads slow down: a new seed's weights took 14 ms
# instead of 9. They now sleep after about 2^8 cycles. Read by OpenBLAS when numpy is first imported,
# so it holds for the app and every command (a process that imported numpy before us keeps its own).
_os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")
