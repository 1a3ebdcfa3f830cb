"""Reading the directory that users keep in spreadsheets: CSV files exported from Excel, turned
into typed rows or into a list of line-numbered problems. Pure: no database, no configuration.

    reading     bytes → text (UTF-8, UTF-8 with BOM, Windows-1252) → a sheet of cells by column
    values      one cell → a value: dates, months, e-mail addresses, organisation and ritual kinds
    rows        a sheet → buyer, supplier, partner or contact rows, checked within the file
"""
