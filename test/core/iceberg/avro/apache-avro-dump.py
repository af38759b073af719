# Reads an Avro object container file with Apache Avro's Python implementation (Debian's python3-avro) and
# prints it as JSON: header metadata, the field-id of every record field, and the records. Run with
# /usr/bin/python3 (the system Python that python3-avro installs into), not the pyenv python3 on PATH.
import base64
import datetime
import decimal
import json
import sys
import warnings

warnings.simplefilter("ignore")  # python3-avro warns about Iceberg's logicalType "map" on arrays

from avro.datafile import DataFileReader
from avro.io import DatumReader


def field_ids(schema, path, out):
    kind = schema.type
    if kind == "record":
        for f in schema.fields:
            p = f"{path}.{f.name}" if path else f.name
            out[p] = f.other_props.get("field-id")
            field_ids(f.type, p, out)
    elif kind == "union":
        for s in schema.schemas:
            field_ids(s, path, out)
    elif kind == "array":
        if "element-id" in schema.other_props:
            out[path + "[]"] = schema.other_props["element-id"]
        field_ids(schema.items, path + "[]", out)


def plain(v):
    if isinstance(v, bytes):
        return {"$bytes": base64.b64encode(v).decode()}
    if isinstance(v, decimal.Decimal):
        return {"$decimal": str(v)}
    if isinstance(v, datetime.datetime):
        return {"$timestamp": v.isoformat()}
    if isinstance(v, datetime.date):
        return {"$date": v.isoformat()}
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


with open(sys.argv[1], "rb") as fh:
    reader = DataFileReader(fh, DatumReader())
    meta = {k: v.decode() for k, v in reader.meta.items() if k != "avro.schema"}
    ids = {}
    field_ids(reader.datum_reader.writers_schema, "", ids)
    records = [plain(r) for r in reader]
print(json.dumps({"meta": meta, "fieldIds": ids, "records": records}))
