"""Reading the school's MIS exports (a DfE Common Transfer File or a CSV report) into
plain records, and working out what an import would change. No database here: the
services (`app.core.services.mis_import`) match against the log and apply."""
