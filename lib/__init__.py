"""ePayment Lab library: client, recorder and flows, free of Streamlit (works in Jupyter and pytest)."""
