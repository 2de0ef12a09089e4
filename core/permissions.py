"""Permissions that apps other than their model's own check, named once."""

# Seeing allergy and disability data (training.SensitiveNeeds): the logistics team and
# the DPO. Consent records about that data are shown only to them too.
SENSITIVE_VIEW = "training.view_sensitiveneeds"

# Exporting the data held for a client as its processor and marking it returned (GDPR
# Art. 28(3)(g)): checked by the attendance app's export, granted in staff_auth/groups.py.
PROCESSOR_DATA_RETURN = "clients.return_data_organisation"
