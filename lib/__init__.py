"""ePayment Lab library: client, recorder and flows; free of Streamlit (Jupyter, pytest)."""
