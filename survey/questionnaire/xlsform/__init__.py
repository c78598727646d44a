"""XLSForm workbooks: the columns Voces reads and writes, reading, converting to a definition, writing."""
