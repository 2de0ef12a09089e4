"""Permissions that apps other than their model's own check, named once."""

# Seeing allergy and disability data (training.SensitiveNeeds): the logistics team and
# the DPO. Consent records about that data are shown only to them too.
SENSITIVE_VIEW = "training.view_sensitiveneeds"
