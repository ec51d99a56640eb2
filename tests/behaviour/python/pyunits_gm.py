# Functions for gm_no_data_offset.mdp: mididings.extra.gm's program numbers are NoDataOffset, so
# data_offset leaves them alone wherever a program number goes.
from mididings import *
from mididings.extra.gm import ACOUSTIC_GRAND_PIANO, VIOLIN, GUNSHOT, CTRL_VOLUME
from mididings.util import NoDataOffset, actual, offset


def violin(ev):
    return ProgramEvent(ev.port, ev.channel, VIOLIN)


def set_program(ev):
    ev.program = GUNSHOT if ev.program > 1 else ACOUSTIC_GRAND_PIANO
    return ev


def volume(ev):
    return CtrlEvent(ev.port, ev.channel, CTRL_VOLUME, ev.velocity)


def numbers(ev):
    # offset/actual follow data_offset; NoDataOffset passes actual() unchanged.
    return CtrlEvent(ev.port, ev.channel, actual(10) + 20 * offset(0), actual(NoDataOffset(5)))
