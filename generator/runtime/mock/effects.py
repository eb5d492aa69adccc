"""What a mock's task makes of its input: real images, made with Pillow.

Each effect takes the task (its input image and ``args``, named by ``x-sdk-operation.mock.params``)
and returns its result files by name; the name without extension is how templates refer to a
file (``$task.files.vector``). The names are known up front (``Effect.names``): the mock makes
the files once, the first time one is downloaded (or its bytes are needed), and serves them
from ``/_mock/files/<task>/<name>``.
"""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps, ImageStat

from ..images import ImageProblem, image_size, open_image, to_png
from .store import MockTask

Files = dict[str, tuple[bytes, str]]
PNG, SVG, JPEG = "image/png", "image/svg+xml", "image/jpeg"
SVG_MAX_SIDE = 96  # vector output is traced from a copy this small, to stay a few kB
# A result may have this many times the mock's input pixel limit (an upscale, a 3x3 grid).
RESULT_PIXELS_FACTOR = 4


def _input(task: MockTask) -> Image.Image:
    if task.image is None:
        raise ValueError(f"{task.effect} needs an input image")
    return open_image(task.image).convert("RGB")


def _slot(task: MockTask, name: str) -> Image.Image:
    if name not in task.slots:
        raise ValueError(f"{task.effect} needs the {name} image")
    return open_image(task.slots[name])


def _number(task: MockTask, name: str, default: float) -> float:
    value = task.args.get(name)
    return default if value is None else float(value)


def _tint(task: MockTask) -> tuple[int, int, int]:
    """A colour derived from the task's prompt, so different prompts give different results."""
    seed = hashlib.sha256(str(task.inputs.get("prompt", task.id)).encode()).digest()
    return seed[0], seed[1], seed[2]


def repaint(task: MockTask) -> Files:
    """Redraw the input: posterised, softened and washed with a prompt-dependent colour."""
    img = _input(task)
    painted = ImageOps.posterize(img, 3).filter(ImageFilter.SMOOTH_MORE)
    wash = Image.new("RGB", img.size, _tint(task))
    return {"result.png": (to_png(Image.blend(painted, wash, 0.25)), PNG)}


def upscaled(img: Image.Image, factor: float) -> Image.Image:
    size = (max(1, round(img.width * factor)), max(1, round(img.height * factor)))
    return img.resize(size, Image.Resampling.LANCZOS).filter(ImageFilter.UnsharpMask(2, 80, 2))


def hd_repaint(task: MockTask) -> Files:
    """The input enlarged by ``factor`` and sharpened; with ``vector``, an SVG of it too."""
    img = upscaled(_input(task), _number(task, "factor", 1.0))
    files = {"image.png": (to_png(img), PNG)}
    if task.args.get("vector"):
        files["vector.svg"] = (svg_of(img, int(_number(task, "colors", 5))), SVG)
    return files


def vectorize(task: MockTask) -> Files:
    """The input reduced to ``colors`` colours, as a PNG and as an SVG of flat shapes."""
    img = _input(task)
    colors = int(_number(task, "colors", 5))
    flat = img.quantize(colors=colors, method=Image.Quantize.MEDIANCUT).convert("RGB")
    return {"image.png": (to_png(flat), PNG), "vector.svg": (svg_of(img, colors), SVG)}


def svg_of(img: Image.Image, colors: int) -> bytes:
    """An SVG of ``img`` with at most ``colors`` fill colours: one rect per run of a colour
    along each row of a reduced copy, scaled back to the image's size."""
    scale = max(img.width, img.height) / SVG_MAX_SIDE
    small = (
        img
        if scale <= 1
        else img.resize((max(1, round(img.width / scale)), max(1, round(img.height / scale))))
    )
    quantized = small.quantize(colors=colors, method=Image.Quantize.MEDIANCUT)
    palette = quantized.getpalette() or []
    fills = {i: "#" + bytes(palette[i * 3 : i * 3 + 3]).hex() for i in range(colors)}
    sx, sy = img.width / small.width, img.height / small.height
    pixels = quantized.load()
    assert pixels is not None  # a quantized image holds its pixels in memory
    shapes = []
    for y in range(small.height):
        x = 0
        while x < small.width:
            index, start = cast(int, pixels[x, y]), x
            while x < small.width and pixels[x, y] == index:
                x += 1
            shapes.append(
                f'<rect x="{start * sx:.1f}" y="{y * sy:.1f}" width="{(x - start) * sx:.1f}" '
                f'height="{sy:.1f}" fill="{fills[index]}"/>'
            )
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{img.width}" height="{img.height}" '
        f'viewBox="0 0 {img.width} {img.height}" shape-rendering="crispEdges">'
    )
    return (head + "".join(shapes) + "</svg>").encode()


def face_enhance(task: MockTask) -> Files:
    """Skin smoothed, detail and contrast lifted: the usual look of a face-repair pass."""
    img = _input(task).filter(ImageFilter.SMOOTH)
    img = ImageEnhance.Sharpness(img).enhance(1.8)
    return {"image.png": (to_png(ImageEnhance.Contrast(img).enhance(1.15)), PNG)}


def seamless(task: MockTask) -> Files:
    """A tile whose opposite edges meet, and a 3x3 grid of it.

    The tile is the input mirrored into a 2x2 block and scaled back, so it repeats exactly;
    ``fit`` (0.1 to 0.9) softens the joins more the higher it is, blurring with wrap-around.
    """
    img = _input(task)
    w, h = img.size
    block = Image.new("RGB", (w * 2, h * 2))
    block.paste(img, (0, 0))
    block.paste(ImageOps.mirror(img), (w, 0))
    block.paste(ImageOps.flip(img), (0, h))
    block.paste(ImageOps.flip(ImageOps.mirror(img)), (w, h))
    tile = block.resize((w, h), Image.Resampling.LANCZOS)
    radius = _number(task, "fit", 0.5) * 3
    wrapped = tiled(tile, 3).filter(ImageFilter.GaussianBlur(radius))
    tile = wrapped.crop((w, h, 2 * w, 2 * h))
    return {"image.png": (to_png(tile), PNG), "grid.png": (to_png(tiled(tile, 3)), PNG)}


def tiled(tile: Image.Image, n: int) -> Image.Image:
    grid = Image.new("RGB", (tile.width * n, tile.height * n))
    for i in range(n):
        for j in range(n):
            grid.paste(tile, (i * tile.width, j * tile.height))
    return grid


def multi_shot(task: MockTask) -> Files:
    """Three distinct views of the subject: mirrored, turned (sheared), and a close-up."""
    img = _input(task)
    w, h = img.size
    mirrored = ImageOps.mirror(img)
    turned = img.transform(
        (w, h),
        Image.Transform.AFFINE,
        (1, 0.25, -0.125 * h, 0, 1, 0),
        resample=Image.Resampling.BICUBIC,
        fillcolor=(255, 255, 255),
    )
    close_up = img.crop((w // 6, h // 6, w - w // 6, h - h // 6)).resize(
        (w, h), Image.Resampling.LANCZOS
    )
    return {
        f"view_{i}.png": (to_png(view), PNG)
        for i, view in enumerate((mirrored, turned, close_up), 1)
    }


def inpaint_removal(task: MockTask) -> Files:
    """Erase what the mask's white part covers and fill it from the surroundings, then add the
    AI-generated mark (``logo_add``, on unless 0) or the caller's logo in ``logo_rect``."""
    img = _input(task)
    mask = _slot(task, "mask").convert("L").point(lambda v: 255 if v >= 128 else 0)
    result = fill_from_surroundings(img, mask)
    if task.args.get("logo_add") not in (0, "0"):
        logo = task.slots.get("logo")
        rect = task.args.get("logo_rect") or {}
        if logo is not None:
            result = _paste_logo(result, open_image(logo).convert("RGB"), rect)
        else:
            result = _ai_mark(result)
    out = io.BytesIO()
    result.save(out, format="JPEG", quality=90)
    return {"result.jpg": (out.getvalue(), JPEG)}


def fill_from_surroundings(img: Image.Image, mask: Image.Image) -> Image.Image:
    """A classical fill: normalised convolution, coarse to fine. At each scale the hole takes
    the average of the known pixels around it (weighted by how many are known), finer scales
    overriding coarser ones where they see enough of the surroundings."""
    known = ImageOps.invert(mask)
    layer = img.convert("RGBA")
    layer.putalpha(known)
    premultiplied = layer.convert("RGBa")
    fill = Image.new("RGB", img.size, _mean_colour(img, known))
    radius = 1
    while radius < max(img.size):
        radius *= 2
    while radius >= 1:
        blurred = premultiplied.filter(ImageFilter.BoxBlur(radius)).convert("RGBA")
        coverage = blurred.getchannel("A").point(lambda a: min(255, a * 2))
        fill.paste(blurred.convert("RGB"), (0, 0), coverage)
        radius //= 2
    return Image.composite(img, fill.filter(ImageFilter.GaussianBlur(1)), known)


def _mean_colour(img: Image.Image, known: Image.Image) -> tuple[int, int, int]:
    stats = [ImageStat.Stat(band, known) for band in img.split()[:3]]
    if not stats[0].count[0]:  # nothing is known: the mask covers everything
        return (128, 128, 128)
    return tuple(round(stat.mean[0]) for stat in stats)  # type: ignore[return-value]


def _ai_mark(img: Image.Image) -> Image.Image:
    """The vendor's default mark sits in the lower right corner (its text reads "图片由 AI 生成";
    the mock writes it in Latin letters, which Pillow's built-in font has)."""
    marked = img.copy()
    draw = ImageDraw.Draw(marked, "RGBA")
    text = "AI generated"
    size = max(10, img.height // 20)
    font = ImageFont.load_default(size)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    pad = max(2, size // 4)
    x = img.width - (right - left) - 2 * pad
    y = img.height - (bottom - top) - 2 * pad
    draw.rectangle((x, y, img.width, img.height), fill=(0, 0, 0, 140))
    draw.text((x + pad - left, y + pad - top), text, font=font, fill=(255, 255, 255, 230))
    return marked


def _paste_logo(img: Image.Image, logo: Image.Image, rect: dict[str, int]) -> Image.Image:
    """The caller's logo stretched into ``rect`` (X, Y, Width, Height), or the lower right
    corner at a tenth of the width when no rect is given. Only the part of the rect inside
    the image is drawn (a huge rect costs no more than the image)."""
    width = int(rect.get("Width") or max(1, img.width // 10))
    height = int(rect.get("Height") or max(1, round(width * logo.height / logo.width)))
    x = int(rect.get("X", img.width - width))
    y = int(rect.get("Y", img.height - height))
    left, top = max(x, 0), max(y, 0)
    right, bottom = min(x + width, img.width), min(y + height, img.height)
    marked = img.copy()
    if right <= left or bottom <= top or width < 1 or height < 1:
        return marked  # the rect misses the image
    # the logo's part that lands inside the image, scaled as the whole rect would scale it
    sx, sy = logo.width / width, logo.height / height
    box = ((left - x) * sx, (top - y) * sy, (right - x) * sx, (bottom - y) * sy)
    visible = logo.resize((right - left, bottom - top), Image.Resampling.BILINEAR, box=box)
    marked.paste(visible, (left, top))
    return marked


def sd_draw(task: MockTask) -> Files:
    """Stable Diffusion as a mock draws it: ``n_iter`` x ``batch_size`` images of ``width`` x
    ``height`` (or the hires size with ``enable_hr``), each different (its seed shifts the
    pattern). With an input image (image-to-image, ControlNet) each is that image, resized and
    repainted; without one, a gradient in the prompt's colour with seeded shapes."""
    count = int(_number(task, "n_iter", 1)) * int(_number(task, "batch_size", 1))
    size = _drawing_size(task)
    base = _input(task).resize(size, Image.Resampling.LANCZOS) if task.image else None
    files = {}
    for index, seed in enumerate(task.seeds(count), 1):
        img = base.copy() if base is not None else _gradient(size, _tint(task))
        files[f"image_{index}.png"] = (to_png(_seeded_shapes(img, seed)), PNG)
    return files


def _drawing_size(task: MockTask) -> tuple[int, int]:
    width, height = int(_number(task, "width", 512)), int(_number(task, "height", 512))
    if not task.args.get("enable_hr"):
        return width, height
    hr_x, hr_y = int(_number(task, "hr_resize_x", 0)), int(_number(task, "hr_resize_y", 0))
    if hr_x > 0 and hr_y > 0:
        return hr_x, hr_y
    scale = _number(task, "hr_scale", 2)
    return round(width * scale), round(height * scale)


def _gradient(size: tuple[int, int], tint: tuple[int, int, int]) -> Image.Image:
    top = Image.new("RGB", size, tint)
    bottom = Image.new("RGB", size, tuple(255 - c for c in tint))
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(bottom, top, mask)


def _seeded_shapes(img: Image.Image, seed: int) -> Image.Image:
    """A few translucent ellipses placed by ``seed``: same seed, same picture."""
    rng = random.Random(seed)
    layer = img.convert("RGB")  # a copy in RGB: ImageDraw blends RGBA ink only onto RGB
    draw = ImageDraw.Draw(layer, "RGBA")
    w, h = img.size
    for _ in range(4):
        x, y = rng.randrange(w), rng.randrange(h)
        r = rng.randrange(max(2, min(w, h) // 8), max(3, min(w, h) // 3))
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256), 110)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    return layer


def face_swap(task: MockTask) -> Files:
    """The source's central region (where a portrait's face is) blended into an ellipse at the
    centre of the target, the target's size kept."""
    target = _input(task)
    source = _slot(task, "source").convert("RGB")
    w, h = target.size
    box = (w // 4, h // 5, w - w // 4, h - h // 5)
    sw, sh = source.size
    face = source.crop((sw // 4, sh // 5, sw - sw // 4, sh - sh // 5))
    face = face.resize((box[2] - box[0], box[3] - box[1]), Image.Resampling.LANCZOS)
    mask = Image.new("L", face.size, 0)
    ImageDraw.Draw(mask).ellipse((0, 0, face.width - 1, face.height - 1), fill=255)
    swapped = target.copy()
    swapped.paste(face, box[:2], mask.filter(ImageFilter.GaussianBlur(3)))
    return {"image.png": (to_png(swapped), PNG)}


def enhance(task: MockTask) -> Files:
    """Super-resolution: the input enlarged by ``factor`` (mode 0) or to ``width`` x
    ``height`` (mode 1), sharpened."""
    img = _input(task)
    if int(_number(task, "mode", 0)) == 1:
        size = (int(_number(task, "width", img.width)), int(_number(task, "height", img.height)))
        out = img.resize(size, Image.Resampling.LANCZOS).filter(ImageFilter.UnsharpMask(2, 80, 2))
    else:
        out = upscaled(img, _number(task, "factor", 2))
    return {"image.png": (to_png(out), PNG)}


@dataclass(frozen=True)
class Effect:
    """An effect, the names of the files it makes (known without making them, so that a
    task's result URLs cost nothing until someone downloads them), and how many pixels its
    largest result has (from the input's header and the arguments: nothing is decoded), so
    that a mock can refuse a task whose results it could not make in reasonable memory."""

    make: Callable[[MockTask], Files]
    names: Callable[[MockTask], list[str]]
    pixels: Callable[[MockTask], int] = lambda task: _input_pixels(task)


def _input_size(task: MockTask) -> tuple[int, int]:
    if task.image is None:
        return 0, 0
    try:
        return image_size(task.image)
    except ImageProblem:
        return 0, 0


def _input_pixels(task: MockTask, factor: float = 1.0) -> int:
    width, height = _input_size(task)
    return round(width * factor) * round(height * factor)


def _upscaled_pixels(task: MockTask) -> int:
    return _input_pixels(task, _number(task, "factor", 1.0))


def _enhanced_pixels(task: MockTask) -> int:
    if int(_number(task, "mode", 0)) == 1:  # a side not given keeps the input's, as `enhance` does
        width, height = _input_size(task)
        return int(_number(task, "width", width)) * int(_number(task, "height", height))
    return _input_pixels(task, _number(task, "factor", 2))


def _drawing_pixels(task: MockTask) -> int:
    try:
        width, height = _drawing_size(task)
    except (OverflowError, ValueError):  # a scale too large to compute
        return 1 << 62
    return max(width, 0) * max(height, 0)


def _fixed(*names: str) -> Callable[[MockTask], list[str]]:
    return lambda _task: list(names)


def _hd_repaint_names(task: MockTask) -> list[str]:
    return ["image.png", "vector.svg"] if task.args.get("vector") else ["image.png"]


def _drawing_names(task: MockTask) -> list[str]:
    count = max(0, int(_number(task, "n_iter", 1)) * int(_number(task, "batch_size", 1)))
    if count > 1_000_000:  # no list of a billion names: the mock refuses such a task anyway
        count = 1_000_001
    return [f"image_{i}.png" for i in range(1, count + 1)]


EFFECTS: dict[str, Effect] = {
    "repaint": Effect(repaint, _fixed("result.png")),
    "hd_repaint": Effect(hd_repaint, _hd_repaint_names, _upscaled_pixels),
    "vectorize": Effect(vectorize, _fixed("image.png", "vector.svg")),
    "face_enhance": Effect(face_enhance, _fixed("image.png")),
    "seamless": Effect(seamless, _fixed("image.png", "grid.png"), lambda t: 9 * _input_pixels(t)),
    "multi_shot": Effect(multi_shot, _fixed("view_1.png", "view_2.png", "view_3.png")),
    "inpaint_removal": Effect(inpaint_removal, _fixed("result.jpg")),
    "sd_draw": Effect(sd_draw, _drawing_names, _drawing_pixels),
    "face_swap": Effect(face_swap, _fixed("image.png")),
    "enhance": Effect(enhance, _fixed("image.png"), _enhanced_pixels),
}
