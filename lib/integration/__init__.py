"""Your own shop under test: record, check and grade a merchant's own ePayment integration."""
