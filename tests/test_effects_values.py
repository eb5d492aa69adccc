"""The mock's image effects, checked pixel by pixel: sizes, modes, where colours land.

Each test builds small pictures of flat colours (whose result is known without running the
effect), runs one effect on a task and asserts exact values: a result's size, its mode, the
colour at chosen points, the rects of a traced SVG.
"""

from __future__ import annotations

import hashlib
import itertools
import re

import pytest
from PIL import Image, ImageOps

from generator.runtime.mock import effects

from .effects_support import colours_of, effect_task, halves, picture, quadrants, solid

RED, GREEN, BLUE, WHITE, BLACK = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255), (0, 0, 0)
STRIPES = [(i * 30, 255 - i * 30, (i * 70) % 256) for i in range(8)]


def striped(width: int, height: int) -> Image.Image:
    """Eight vertical stripes of distinct colours."""
    img = solid(width, height, BLACK)
    step = width // len(STRIPES)
    for i, colour in enumerate(STRIPES):
        img.paste(colour, (i * step, 0, (i + 1) * step, height))
    return img


def close(actual: tuple[int, ...], expected: tuple[float, ...], tolerance: float = 1) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


# -- inputs and arguments -------------------------------------------------------------------------


def test_an_effect_without_an_input_image_names_itself() -> None:
    with pytest.raises(ValueError, match=r"^repaint needs an input image$"):
        effects.repaint(effect_task("repaint"))


def test_an_effect_without_a_slot_image_names_the_slot() -> None:
    task = effect_task("face_swap", solid(8, 8, RED))
    with pytest.raises(ValueError, match=r"^face_swap needs the source image$"):
        effects.face_swap(task)


def test_a_transparent_input_is_worked_on_as_rgb() -> None:
    rgba = Image.new("RGBA", (6, 4), (10, 200, 30, 40))
    result = picture(effects.face_enhance(effect_task("face_enhance", rgba))["image.png"][0])
    assert result.mode == "RGB"
    assert result.size == (6, 4)


@pytest.mark.parametrize(
    ("args", "expected"),
    [({}, 2.5), ({"factor": None}, 2.5), ({"factor": "3"}, 3.0), ({"factor": 0}, 0.0)],
    ids=["missing", "none", "text", "zero"],
)
def test_a_number_argument_falls_back_only_when_absent(args: dict, expected: float) -> None:
    assert effects._number(effect_task("enhance", args=args), "factor", 2.5) == expected


def test_the_tint_comes_from_the_prompt_or_else_the_task_id() -> None:
    prompted = effect_task("repaint", inputs={"prompt": "a red fox"}, task_id="t-9")
    unprompted = effect_task("repaint", task_id="t-9")
    assert effects._tint(prompted) == tuple(hashlib.sha256(b"a red fox").digest()[:3])
    assert effects._tint(unprompted) == tuple(hashlib.sha256(b"t-9").digest()[:3])


# -- repaint --------------------------------------------------------------------------------------


def test_repaint_posterises_to_three_bits_and_washes_a_quarter_with_the_tint() -> None:
    task = effect_task("repaint", solid(12, 10, (63, 130, 200)), inputs={"prompt": "sunset"})
    files = effects.repaint(task)
    assert list(files) == ["result.png"]
    assert files["result.png"][1] == "image/png"
    result = picture(files["result.png"][0])
    assert result.size == (12, 10)
    tint = effects._tint(task)
    posterised = (32, 128, 192)  # the top three bits of each channel
    expected = tuple(p + 0.25 * (t - p) for p, t in zip(posterised, tint, strict=True))
    assert colours_of(result) == {result.getpixel((0, 0))}
    assert close(result.getpixel((5, 5)), expected)


# -- upscaling: hd_repaint and enhance ------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "size"),
    [({}, (6, 5)), ({"factor": 2.5}, (15, 12)), ({"factor": "0.01"}, (1, 1))],
    ids=["default-one", "two-and-a-half", "tiny"],
)
def test_hd_repaint_enlarges_by_its_factor(args: dict, size: tuple[int, int]) -> None:
    files = effects.hd_repaint(effect_task("hd_repaint", solid(6, 5, (90, 160, 20)), args=args))
    assert list(files) == ["image.png"]
    result = picture(files["image.png"][0])
    assert result.size == size
    assert colours_of(result) == {(90, 160, 20)}  # a flat picture stays flat through sharpening


def test_hd_repaint_with_vector_adds_an_svg_of_five_colours_by_default() -> None:
    task = effect_task("hd_repaint", striped(48, 6), args={"vector": True})
    files = effects.hd_repaint(task)
    assert list(files) == ["image.png", "vector.svg"]
    assert files["vector.svg"][1] == "image/svg+xml"
    assert len(set(re.findall(r'fill="(#[0-9a-f]{6})"', files["vector.svg"][0].decode()))) == 5
    limited = effects.hd_repaint(
        effect_task("hd_repaint", striped(48, 6), args={"vector": 1, "colors": 3})
    )
    assert len(set(re.findall(r'fill="(#[0-9a-f]{6})"', limited["vector.svg"][0].decode()))) == 3


@pytest.mark.parametrize(
    ("args", "size"),
    [
        ({}, (20, 14)),
        ({"factor": 3}, (30, 21)),
        ({"mode": 1, "width": 33, "height": 9}, (33, 9)),
        ({"mode": "1", "width": 25}, (25, 7)),
        ({"mode": 1, "height": 12}, (10, 12)),
        ({"mode": 0, "width": 33, "height": 9}, (20, 14)),
    ],
    ids=[
        "default-double",
        "factor",
        "mode-one",
        "mode-one-width-only",
        "mode-one-height",
        "mode-0",
    ],
)
def test_enhance_enlarges_by_factor_or_to_the_size_asked(args: dict, size: tuple[int, int]) -> None:
    files = effects.enhance(effect_task("enhance", solid(10, 7, (200, 40, 120)), args=args))
    assert list(files) == ["image.png"]
    result = picture(files["image.png"][0])
    assert (result.size, result.mode) == (size, "RGB")
    assert colours_of(result) == {(200, 40, 120)}


def test_enhance_sharpens_an_edge_beyond_a_plain_resize() -> None:
    img = halves(16, 4, (80, 80, 80), (170, 170, 170))
    for args in ({"factor": 2}, {"mode": 1, "width": 32, "height": 8}):
        result = picture(effects.enhance(effect_task("enhance", img, args=args))["image.png"][0])
        plain = img.resize((32, 8), Image.Resampling.LANCZOS)
        row, plain_row = (
            [result.getpixel((x, 4))[0] for x in range(32)],
            [plain.getpixel((x, 4))[0] for x in range(32)],
        )
        # an unsharp mask at 80 %: ten levels and more past what the resize alone overshoots
        assert min(row) <= min(plain_row) - 10 and max(row) >= max(plain_row) + 10, args


# -- vectorize and svg_of -------------------------------------------------------------------------


def test_vectorize_flattens_to_five_colours_by_default_or_to_the_number_asked() -> None:
    files = effects.vectorize(effect_task("vectorize", striped(40, 5)))
    assert list(files) == ["image.png", "vector.svg"]
    flat = picture(files["image.png"][0])
    assert (flat.mode, flat.size, len(colours_of(flat))) == ("RGB", (40, 5), 5)
    fills = set(re.findall(r'fill="(#[0-9a-f]{6})"', files["vector.svg"][0].decode()))
    assert fills == {"#{:02x}{:02x}{:02x}".format(*colour) for colour in colours_of(flat)}
    three = effects.vectorize(effect_task("vectorize", striped(40, 5), args={"colors": "3"}))
    assert len(colours_of(picture(three["image.png"][0]))) == 3


def rects(svg: bytes) -> list[tuple[str, str, str, str, str]]:
    pattern = r'<rect x="([^"]+)" y="([^"]+)" width="([^"]+)" height="([^"]+)" fill="([^"]+)"/>'
    return re.findall(pattern, svg.decode())


def test_svg_of_a_small_image_has_one_rect_per_run_of_a_colour() -> None:
    img = solid(4, 2, BLUE)
    img.paste(RED, (0, 0, 2, 1))
    img.paste(GREEN, (2, 0, 4, 1))
    svg = effects.svg_of(img, 3)
    assert svg == (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2" viewBox="0 0 4 2" '
        b'shape-rendering="crispEdges">'
        b'<rect x="0.0" y="0.0" width="2.0" height="1.0" fill="#ff0000"/>'
        b'<rect x="2.0" y="0.0" width="2.0" height="1.0" fill="#00ff00"/>'
        b'<rect x="0.0" y="1.0" width="4.0" height="1.0" fill="#0000ff"/></svg>'
    )
    assert rects(svg) == [
        ("0.0", "0.0", "2.0", "1.0", "#ff0000"),
        ("2.0", "0.0", "2.0", "1.0", "#00ff00"),
        ("0.0", "1.0", "4.0", "1.0", "#0000ff"),
    ]


def test_svg_of_a_large_image_traces_a_copy_ninety_six_wide_scaled_back() -> None:
    svg = effects.svg_of(halves(300, 30, RED, BLUE), 2)  # traced at 96 x 10
    assert b'width="300" height="30" viewBox="0 0 300 30"' in svg
    found = rects(svg)
    assert len(found) == 20
    assert [r[:4] for r in found[:2]] == [
        ("0.0", "0.0", "150.0", "3.0"),
        ("150.0", "0.0", "150.0", "3.0"),
    ]
    assert found[-1][:4] == ("150.0", "27.0", "150.0", "3.0")
    reddish, bluish = (bytes.fromhex(r[4][1:]) for r in found[:2])  # averaged across the join
    assert reddish[0] > 240 > reddish[2] and bluish[2] > 240 > bluish[0]


def test_svg_of_fine_detail_traces_no_more_than_the_reduced_copy_holds() -> None:
    img = Image.new("RGB", (300, 30))
    img.putdata([WHITE if x % 2 else BLACK for _ in range(30) for x in range(300)])
    found = rects(effects.svg_of(img, 2))
    assert len({r[1] for r in found}) == 10  # rows of the 96 x 10 copy
    assert len(found) <= 96 * 10


def test_svg_of_a_tall_thin_image_traces_one_pixel_across() -> None:
    found = rects(effects.svg_of(halves(10, 1000, RED, BLUE), 2))  # traced at 1 x 96
    assert len(found) == 96
    assert {r[2] for r in found} == {"10.0"}


def test_svg_of_a_square_just_over_the_limit_is_reduced() -> None:
    found = rects(effects.svg_of(solid(150, 150, GREEN), 2))  # 96 rows, not 150
    assert len(found) == 96
    assert found[0] == ("0.0", "0.0", "150.0", "1.6", "#00ff00")


@pytest.mark.parametrize(
    ("size", "rect"),
    [
        ((1000, 10), ("0.0", "0.0", "1000.0", "10.0", "#00ff00")),
        ((10, 1000), ("0.0", "0.0", "10.0", "10.4", "#00ff00")),
    ],
    ids=["wide", "tall"],
)
def test_svg_of_a_thin_image_keeps_at_least_one_pixel_across(size, rect) -> None:
    found = rects(effects.svg_of(solid(*size, GREEN), 2))
    assert found[0] == rect
    assert len(found) == (1 if size[1] == 10 else 96)


# -- face_enhance ---------------------------------------------------------------------------------


def test_face_enhance_lifts_contrast_by_fifteen_percent_around_the_mean_grey() -> None:
    img = halves(40, 20, (100, 100, 100), (180, 180, 180))
    result = picture(effects.face_enhance(effect_task("face_enhance", img))["image.png"][0])
    assert result.size == (40, 20)
    mean = 140  # the mean grey of the input, the contrast's pivot
    assert close(result.getpixel((3, 10)), (mean - 40 * 1.15,) * 3)
    assert close(result.getpixel((36, 10)), (mean + 40 * 1.15,) * 3)


# -- seamless and tiled ---------------------------------------------------------------------------


def test_seamless_of_a_flat_picture_is_that_colour_everywhere() -> None:
    files = effects.seamless(effect_task("seamless", solid(10, 6, (30, 150, 210))))
    assert list(files) == ["image.png", "grid.png"]
    tile, grid = picture(files["image.png"][0]), picture(files["grid.png"][0])
    assert (tile.size, grid.size) == ((10, 6), (30, 18))
    assert colours_of(tile) == colours_of(grid) == {(30, 150, 210)}


@pytest.mark.parametrize("size", [(12, 8), (3, 2)], ids=["small", "tiny"])
def test_seamless_tile_is_symmetric_so_its_edges_meet(size: tuple[int, int]) -> None:
    img = quadrants(*size, (RED, GREEN, BLUE, WHITE))
    files = effects.seamless(effect_task("seamless", img, args={"fit": 0.9}))
    tile = picture(files["image.png"][0])
    assert tile.size == size
    for mirrored in (ImageOps.mirror(tile), ImageOps.flip(tile)):
        for x in range(size[0]):
            for y in range(size[1]):
                assert close(tile.getpixel((x, y)), mirrored.getpixel((x, y)), 2), (x, y)


def test_seamless_grid_repeats_the_tile_three_by_three() -> None:
    files = effects.seamless(effect_task("seamless", quadrants(8, 6, (RED, GREEN, BLUE, WHITE))))
    tile, grid = picture(files["image.png"][0]), picture(files["grid.png"][0])
    for i in range(3):
        for j in range(3):
            cell = grid.crop((i * 8, j * 6, i * 8 + 8, j * 6 + 6))
            assert cell.tobytes() == tile.tobytes(), (i, j)


def test_seamless_fit_softens_the_joins_more_the_higher_it_is() -> None:
    img = halves(24, 8, BLACK, WHITE)

    def spread(args: dict) -> int:
        tile = picture(effects.seamless(effect_task("seamless", img, args=args))["image.png"][0])
        row = [tile.getpixel((x, 4))[0] for x in range(24)]
        return sum(
            (b - a) ** 2 for a, b in itertools.pairwise(row)
        )  # large where the steps are sharp

    sharp, default, middle, soft = (
        spread({"fit": 0.1}),
        spread({}),
        spread({"fit": 0.5}),
        spread({"fit": 0.9}),
    )
    assert sharp > middle > soft
    assert soft < sharp / 4  # a blur of radius 2.7 against one of 0.3
    assert default == middle


def test_tiled_places_each_copy_at_its_own_cell() -> None:
    tile = quadrants(4, 2, (RED, GREEN, BLUE, WHITE))
    grid = effects.tiled(tile, 2)
    assert grid.size == (8, 4)
    points = [(0, 0), (2, 0), (4, 0), (6, 1), (0, 3), (5, 2), (7, 3)]
    assert [grid.getpixel(p) for p in points] == [RED, GREEN, RED, WHITE, BLUE, RED, WHITE]


# -- multi_shot -----------------------------------------------------------------------------------


def test_multi_shot_first_view_is_the_mirror_image() -> None:
    img = quadrants(10, 8, (RED, GREEN, BLUE, WHITE))
    files = effects.multi_shot(effect_task("multi_shot", img))
    assert list(files) == ["view_1.png", "view_2.png", "view_3.png"]
    assert picture(files["view_1.png"][0]).tobytes() == ImageOps.mirror(img).tobytes()


def test_multi_shot_second_view_is_sheared_with_white_where_nothing_was() -> None:
    # row y samples the input at x + y / 4 - 5: shifted right at the top, left at the bottom
    files = effects.multi_shot(effect_task("multi_shot", solid(40, 40, BLACK)))
    turned = picture(files["view_2.png"][0])
    assert turned.size == (40, 40)
    assert turned.getpixel((1, 0)) == WHITE
    assert turned.getpixel((2, 8)) == WHITE  # shift 3 on row 8
    assert turned.getpixel((5, 8)) == BLACK
    assert turned.getpixel((8, 0)) == BLACK
    assert turned.getpixel((38, 0)) == BLACK
    assert turned.getpixel((1, 20)) == BLACK and turned.getpixel((38, 20)) == BLACK
    assert turned.getpixel((38, 39)) == WHITE
    assert turned.getpixel((33, 39)) == BLACK
    assert turned.getpixel((1, 39)) == BLACK


def test_multi_shot_third_view_enlarges_the_central_two_thirds() -> None:
    img = Image.new("RGB", (64, 52))
    img.putdata([(4 * x, 4 * y, 0) for y in range(52) for x in range(64)])
    files = effects.multi_shot(effect_task("multi_shot", img))
    close_up = picture(files["view_3.png"][0])
    expected = img.crop((10, 8, 54, 44)).resize((64, 52), Image.Resampling.LANCZOS)
    assert close_up.size == (64, 52)
    assert close_up.tobytes() == expected.tobytes()


# -- sd_draw --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "size"),
    [
        ({"width": 40, "height": 30}, (40, 30)),
        ({"width": 40, "height": 30, "enable_hr": False, "hr_scale": 3}, (40, 30)),
        ({"width": 40, "height": 30, "enable_hr": True}, (80, 60)),
        ({"width": 40, "height": 30, "enable_hr": True, "hr_scale": 1.25}, (50, 38)),
        (
            {"width": 40, "height": 30, "enable_hr": True, "hr_resize_x": 70, "hr_resize_y": 20},
            (70, 20),
        ),
        ({"width": 40, "height": 30, "enable_hr": True, "hr_resize_x": 70}, (80, 60)),
        ({"width": 40, "height": 30, "enable_hr": True, "hr_resize_y": 20}, (80, 60)),
        (
            {"width": 40, "height": 30, "enable_hr": True, "hr_resize_x": 1, "hr_resize_y": 20},
            (1, 20),
        ),
        (
            {"width": 40, "height": 30, "enable_hr": True, "hr_resize_x": 70, "hr_resize_y": 1},
            (70, 1),
        ),
        ({}, (512, 512)),
    ],
    ids=[
        "plain",
        "hr-off",
        "hr-default-scale",
        "hr-scale",
        "hr-resize",
        "hr-x-only",
        "hr-y-only",
        "hr-x-one",
        "hr-y-one",
        "default",
    ],
)
def test_sd_draw_size(args: dict, size: tuple[int, int]) -> None:
    assert effects._drawing_size(effect_task("sd_draw", args=args)) == size


def test_sd_draw_makes_n_iter_times_batch_size_images_of_the_size_asked() -> None:
    task = effect_task(
        "sd_draw", args={"n_iter": 2, "batch_size": "3", "width": 24, "height": 16, "seed": 5}
    )
    files = effects.sd_draw(task)
    assert list(files) == [f"image_{i}.png" for i in range(1, 7)]
    images = [picture(data) for data, _ in files.values()]
    assert {img.size for img in images} == {(24, 16)}
    assert len({img.tobytes() for img in images}) == 6


def test_sd_draw_one_image_by_default_and_each_seed_its_own_picture() -> None:
    args = {"width": 20, "height": 20}
    one = effects.sd_draw(effect_task("sd_draw", args={**args, "seed": 7}))
    assert list(one) == ["image_1.png"]
    two = effects.sd_draw(effect_task("sd_draw", args={**args, "seed": 6, "batch_size": 2}))
    assert two["image_2.png"][0] == one["image_1.png"][0]
    assert two["image_1.png"][0] != one["image_1.png"][0]


def test_sd_draw_from_an_image_repaints_that_image_resized() -> None:
    task = effect_task(
        "sd_draw", solid(8, 8, (12, 34, 56)), args={"width": 30, "height": 20, "seed": 1}
    )
    drawn = picture(effects.sd_draw(task)["image_1.png"][0])
    counts = sorted(drawn.getcolors(600), reverse=True)
    assert drawn.size == (30, 20)
    assert counts[0][1] == (12, 34, 56)  # most of it is the input's colour


def test_sd_draw_without_an_image_is_a_gradient_from_the_tint_to_its_inverse() -> None:
    tint = (10, 200, 77)
    gradient = effects._gradient((3, 256), tint)
    assert gradient.size == (3, 256)
    assert gradient.getpixel((1, 0)) == tint
    assert gradient.getpixel((1, 255)) == (245, 55, 178)
    assert close(gradient.getpixel((0, 128)), (127.5, 127.5, 127.5), 2)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5], ids=["s1", "s2", "s3", "s4", "s5"])
def test_seeded_shapes_are_translucent_discs(seed: int) -> None:
    on_black = effects._seeded_shapes(solid(60, 60, BLACK), seed)
    on_white = effects._seeded_shapes(solid(60, 60, WHITE), seed)
    # the picture below shows through every shape: no pixel comes out the same on both
    assert all(
        on_black.getpixel((x, y)) != on_white.getpixel((x, y)) for x in range(60) for y in range(60)
    )
    lit = [[on_black.getpixel((x, y)) != BLACK for x in range(60)] for y in range(60)]
    assert any(
        all(lit[y + dy][x + dx] for dx in range(3) for dy in range(3))
        for x in range(58)
        for y in range(58)
    )  # shapes with an area, not lines


def test_seeded_shapes_are_translucent_and_the_same_for_the_same_seed() -> None:
    base = solid(60, 60, WHITE)
    first, again, other = (effects._seeded_shapes(base, s) for s in (3, 3, 4))
    assert first.tobytes() == again.tobytes() != other.tobytes()
    assert first.mode == "RGB" and first.size == (60, 60)
    assert WHITE in colours_of(first) and len(colours_of(first)) > 1


# -- face_swap ------------------------------------------------------------------------------------


def gradient_source() -> Image.Image:
    """46 x 53: red grows five per column, green four per row."""
    source = Image.new("RGB", (46, 53))
    source.putdata([(5 * x, 4 * y, 0) for y in range(53) for x in range(46)])
    return source


@pytest.mark.parametrize(
    ("point", "expected"),
    [((40, 60), (114, 104.9, 0)), ((32, 60), (90, 104.9, 0)), ((40, 48), (114, 82.9, 0))],
    ids=["centre", "left-of-centre", "above-centre"],
)
def test_face_swap_puts_the_source_centre_at_the_target_centre(point, expected) -> None:
    # the target's box (20, 24, 60, 96) takes the source's (11, 10, 35, 43) stretched to fit:
    # target x 40 shows source x 11 + 20.5 * 24 / 40 - 0.5 = 22.8, whose red is 5 * 22.8
    task = effect_task("face_swap", solid(80, 120, BLUE), slots={"source": gradient_source()})
    swapped = picture(effects.face_swap(task)["image.png"][0])
    assert close(swapped.getpixel(point), expected, 1.2)


def test_face_swap_keeps_the_target_outside_the_face() -> None:
    task = effect_task("face_swap", solid(80, 120, BLUE), slots={"source": gradient_source()})
    swapped = picture(effects.face_swap(task)["image.png"][0])
    assert swapped.size == (80, 120)
    for point in [(19, 60), (60, 60), (40, 23), (40, 96), (0, 0), (79, 119)]:
        assert swapped.getpixel(point) == BLUE, point
    assert swapped.getpixel((20, 24))[2] >= 250  # the box's corner is outside the ellipse


def test_face_swap_takes_a_transparent_source_by_its_colours() -> None:
    source = Image.new("RGBA", (40, 50), (200, 100, 50, 0))
    task = effect_task("face_swap", solid(80, 120, BLUE), slots={"source": source})
    swapped = picture(effects.face_swap(task)["image.png"][0])
    assert swapped.getpixel((40, 60)) == (200, 100, 50)


# -- what an effect announces before it runs ------------------------------------------------------


def png_task(effect: str, size: tuple[int, int], args: dict | None = None):
    return effect_task(effect, solid(*size, RED), args=args)


@pytest.mark.parametrize(
    ("effect", "args", "pixels"),
    [
        ("repaint", {}, 70),
        ("hd_repaint", {}, 70),
        ("hd_repaint", {"factor": 1.5}, 150),
        ("enhance", {}, 280),
        ("enhance", {"factor": 3}, 630),
        ("enhance", {"mode": 1, "width": 100, "height": 50}, 5000),
        ("enhance", {"mode": 1}, 70),
        ("enhance", {"mode": 1, "width": 100}, 700),
        ("enhance", {"mode": 1, "height": 50}, 500),
        ("seamless", {}, 630),
        ("sd_draw", {"width": 30, "height": 20}, 600),
        ("sd_draw", {"width": -30, "height": 20}, 0),
        ("sd_draw", {"width": 30, "height": -20}, 0),
        ("sd_draw", {"width": 30, "height": 20, "enable_hr": True, "hr_scale": 1e308}, 1 << 62),
        ("sd_draw", {"width": 30, "height": 20, "enable_hr": True, "hr_scale": "nan"}, 1 << 62),
    ],
    ids=[
        "repaint",
        "hd-default",
        "hd-factor",
        "enhance-default",
        "enhance-factor",
        "enhance-size",
        "enhance-no-size",
        "enhance-no-height",
        "enhance-no-width",
        "seamless-grid",
        "sd",
        "sd-neg-width",
        "sd-neg-height",
        "sd-overflow",
        "sd-nan",
    ],
)
def test_an_effect_announces_its_largest_result_in_pixels(effect, args, pixels) -> None:
    assert effects.EFFECTS[effect].pixels(png_task(effect, (10, 7), args)) == pixels


def test_an_effect_without_a_readable_input_announces_no_pixels() -> None:
    assert effects.EFFECTS["hd_repaint"].pixels(effect_task("hd_repaint", args={"factor": 2})) == 0
    broken = effect_task("repaint")
    broken.image = b"not a picture"
    assert effects.EFFECTS["repaint"].pixels(broken) == 0
    assert effects._input_pixels(png_task("repaint", (10, 7)), 2.5) == 25 * 18
    assert effects._input_size(effect_task("repaint")) == (0, 0)
    assert effects._input_size(broken) == (0, 0)
    assert effects._input_size(png_task("repaint", (10, 7))) == (10, 7)


@pytest.mark.parametrize(
    ("effect", "args", "names"),
    [
        ("repaint", {}, ["result.png"]),
        ("hd_repaint", {}, ["image.png"]),
        ("hd_repaint", {"vector": True}, ["image.png", "vector.svg"]),
        ("vectorize", {}, ["image.png", "vector.svg"]),
        ("multi_shot", {}, ["view_1.png", "view_2.png", "view_3.png"]),
        ("sd_draw", {}, ["image_1.png"]),
        (
            "sd_draw",
            {"n_iter": 2, "batch_size": 2},
            ["image_1.png", "image_2.png", "image_3.png", "image_4.png"],
        ),
        ("sd_draw", {"n_iter": -2, "batch_size": 2}, []),
    ],
    ids=[
        "repaint",
        "hd",
        "hd-vector",
        "vectorize",
        "multi-shot",
        "sd-one",
        "sd-four",
        "sd-negative",
    ],
)
def test_an_effect_names_its_files_before_making_them(effect, args, names) -> None:
    assert effects.EFFECTS[effect].names(png_task(effect, (10, 7), args)) == names


def test_a_drawing_of_a_billion_images_names_one_more_than_the_limit() -> None:
    names = effects.EFFECTS["sd_draw"].names(
        effect_task("sd_draw", args={"n_iter": 100_000, "batch_size": 10_000})
    )
    assert len(names) == 1_000_001
    assert names[-1] == "image_1000001.png"
    capped = effects.EFFECTS["sd_draw"].names(
        effect_task("sd_draw", args={"n_iter": 1000, "batch_size": 1000})
    )
    assert len(capped) == 1_000_000
