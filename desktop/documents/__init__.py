"""Invoice documents laid out once with Qt's QTextDocument (QtGui, no widgets), for the invoice
view, the printer, PDF files from the window and from the command line."""
