import io
import zipfile


def damaged_workbook(body: str = "<not xml") -> bytes:
    """A ZIP that passes for a workbook by its names, whose XML does not parse."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", body)
        archive.writestr("[Content_Types].xml", "garbage")
    return buffer.getvalue()
