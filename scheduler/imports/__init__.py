"""Reading the directory that users keep in spreadsheets: CSV files exported from Excel, turned
into typed rows or into a list of line-numbered problems. Pure: no database, no configuration.

    reading     bytes → text (UTF-8, UTF-16 or Windows-1252, never a mix) → a sheet of cells
    values      one cell → a value: dates, months, e-mail addresses, organisation and ritual kinds
    rows        a sheet → buyer, supplier, partner or contact rows, checked within the file
"""
