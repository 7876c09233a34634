# Python side of the QWeb reports (report.* models).
