"""PURE: the Spanish a patient reads for every library drill (issue 22). No Django imports.

Written for patients in plain, neutral Latin-American Spanish, speaking to them as "tú". Each
entry mirrors the English of `catalogue.py` field by field: the same number of steps and tips,
the same precautions (a safety sentence says exactly what the English says), and one entry per
variant in the same order as `DrillSpec.variants`, with only the fields the English variant
fills. `tests/programs/test_drill_translations.py` fails when a drill or a field lacks Spanish.
"""

from __future__ import annotations

# The patient-facing fields a translation carries (a variant: name, instructions, cues,
# precautions).
TEXT_FIELDS = ("name", "dose", "precautions", "instructions", "cues")
VARIANT_TEXT_FIELDS = ("name", "instructions", "cues", "precautions")

ES: dict[str, dict] = {
    # --- mobility -------------------------------------------------------------------------
    "ankle_circles": {
        "name": "Círculos con el tobillo",
        "dose": "1 x 10 en cada dirección, todos los días",
        "precautions": "Si te torciste el tobillo hace poco, muévelo solo hasta donde no duela.",
        "instructions": [
            "Siéntate o párate apoyado en una pared, con un pie sin tocar el piso.",
            "Dibuja círculos lentos y amplios con los dedos del pie, moviendo solo el tobillo.",
            "Haz 10 círculos hacia un lado y luego 10 hacia el otro.",
            "Cambia de pie si tu plan incluye los dos.",
        ],
        "cues": [
            "Haz el círculo tan grande como te resulte fácil, sin forzar.",
            "Mantén la rodilla quieta.",
        ],
    },
    "active_df_pf": {
        "name": "Tobillo arriba y abajo con control (flexión y extensión activa del tobillo)",
        "dose": "2 x 15 lentas, todos los días",
        "precautions": "Ninguna en particular; detente si sientes un pellizco.",
        "instructions": [
            "Siéntate derecho con la pierna estirada, o párate en una pierna apoyado en una pared.",
            "Lleva los dedos del pie hacia la espinilla todo lo que puedas, despacio.",
            "Estira la punta del pie hacia adelante todo lo que puedas, despacio.",
            "Eso es una repetición.",
        ],
        "cues": [
            "La rodilla y la cadera siguen mirando hacia adelante.",
            "Tómate unos dos segundos en cada dirección.",
        ],
    },
    "assisted_df": {
        "name": "Flexión del tobillo asistida, corta",
        "dose": "3 x 30 s, todos los días",
        "precautions": (
            "Dolor de Aquiles: hazlo solo con suavidad. Dolor de Aquiles en la inserción (donde el "
            "tendón se une al talón): no lo hagas."
        ),
        "instructions": [
            "Siéntate con la pierna estirada y pasa una correa o toalla por la parte delantera "
            "de la planta del pie.",
            "Jala la correa con suavidad para que los dedos vengan hacia ti, hasta sentir un "
            "estiramiento leve.",
            "Sostén 30 segundos respirando despacio y luego relaja.",
        ],
        "cues": [
            "Solo un estiramiento leve, nunca un dolor agudo.",
            "Jala de forma constante, sin rebotes.",
        ],
    },
    "cc_df": {
        "name": "Flexión del tobillo con el pie apoyado (rodilla a la pared / balanceo del "
        "tobillo)",
        "dose": "2 x 10, 2 s al final, todos los días",
        "precautions": (
            "Pellizco en la parte delantera del tobillo: haz el movimiento más pequeño y díselo "
            "a tu terapeuta. Dolor de Aquiles en la inserción: no llegues al final del "
            "movimiento."
        ),
        "instructions": [
            "Párate frente a una pared con el pie que trabaja a un palmo de ella, con el pie "
            "plano.",
            "Lleva la rodilla hacia la pared, por encima del segundo dedo del pie.",
            "Mantén el talón en el piso; sostén el final 2 segundos.",
            "Regresa despacio. Eso es una repetición.",
        ],
        "cues": [
            "El talón se queda abajo.",
            "La rodilla pasa sobre los dedos del medio, no hacia adentro.",
        ],
    },
    "kneeling_df": {
        "name": "Flexión del tobillo con una rodilla en el piso",
        "dose": "3 x 10 balanceos, 3 s sostenidos, todos los días",
        "precautions": (
            "Dolor de Aquiles: no sostengas mucho tiempo al final. Dolor de Aquiles en la "
            "inserción: no se usa."
        ),
        "instructions": [
            "Arrodíllate sobre una colchoneta cerca de una pared, con un pie plano adelante, "
            "como en una zancada.",
            "Lleva el peso hacia adelante para que la rodilla de adelante pase los dedos del pie.",
            "Mantén el talón de adelante abajo, sostén 3 segundos y vuelve hacia atrás.",
        ],
        "cues": [
            "El talón pegado al piso.",
            "Lleva la rodilla hacia adelante, sin bajar la cadera.",
        ],
    },
    "banded_df_mob": {
        "name": "Movilización del tobillo con banda y zancada hacia adelante",
        "dose": "3 x 10, 3 s sostenidos, todos los días",
        "precautions": (
            "No durante una crisis de dolor de Aquiles, después de una torcedura reciente ni si "
            "se sospecha una fractura."
        ),
        "instructions": [
            "Ata una banda fuerte abajo, detrás de ti, y pásala por el frente del tobillo, justo "
            "debajo de los huesos del tobillo.",
            "Da un paso adelante hasta quedar con una rodilla en el piso o en zancada, para que "
            "la banda jale el tobillo hacia atrás.",
            "Lleva la rodilla hacia adelante sobre los dedos, sostén 3 segundos y regresa.",
        ],
        "cues": [
            "La banda jala el tobillo hacia atrás mientras la rodilla va hacia adelante.",
            "Sin dolor en el frente.",
        ],
    },
    "heel_elev_squat_rock": {
        "name": "Balanceo en sentadilla con los talones elevados",
        "dose": "2-3 x 8-10 repeticiones lentas",
        "precautions": "Dolor de rodilla al agacharte: baja menos.",
        "instructions": [
            "Párate con los dos talones sobre una cuña o un disco pequeño, con los pies a lo "
            "ancho de la cadera.",
            "Baja a una sentadilla cómoda.",
            "Lleva las rodillas hacia adelante despacio, apoyando bien el dedo gordo.",
            "Vuelve hacia atrás y repite despacio.",
        ],
        "cues": [
            "Todo el pie se queda apoyado.",
            "Siente la presión debajo de los dedos gordos.",
        ],
    },
    "pronation_wall_glide": {
        "name": "Ejercicio de pronación del pie con giro de cadera (deslizamiento en la pared)",
        "dose": "2-3 x 6-8 por lado",
        "precautions": "No lo hagas si ahora te duele la parte interna del pie.",
        "instructions": [
            "Párate de lado junto a una pared con el pie que trabaja paralelo a ella; el pie de "
            "atrás se apoya en la punta para darte equilibrio.",
            "Dobla la rodilla de adelante sobre los dedos, con el dedo gordo, el dedo chico y el "
            "talón en el piso.",
            "Mientras el tobillo se dobla, deja que la cadera y el pecho giren hacia la pared.",
            "Regresa despacio; debes sentir que el arco baja y luego vuelve a subir.",
        ],
        "cues": [
            "Muévete despacio y mantén la espalda larga.",
            "Tres puntos del pie se quedan en el piso.",
        ],
    },
    "calf_stretch_dyn_straight": {
        "name": "Estiramiento dinámico de pantorrilla, rodilla estirada",
        "dose": "1-2 x 10-15 impulsos lentos, antes de correr",
        "precautions": "Dolor de Aquiles: sin rebotes al final del estiramiento.",
        "instructions": [
            "Con las manos en una pared, lleva un pie atrás con la rodilla estirada y el talón "
            "abajo.",
            "Inclínate con suavidad hasta sentir un estiramiento en la parte alta de la "
            "pantorrilla y luego afloja.",
            "Sigue entrando y saliendo despacio, como un impulso suave.",
        ],
        "cues": [
            "El talón de atrás se queda en el piso.",
            "Suave, sin rebotar.",
        ],
    },
    "calf_stretch_dyn_bent": {
        "name": "Estiramiento dinámico de pantorrilla, rodilla doblada",
        "dose": "1-2 x 10-15",
        "precautions": "Dolor de Aquiles: sin rebotes al final del estiramiento.",
        "instructions": [
            "Párate frente a una pared con un pie un poco adelante del otro y el peso en el pie "
            "de atrás.",
            "Dobla la rodilla de atrás para que vaya hacia adelante sobre los dedos; siente la "
            "parte baja de la pantorrilla.",
            "Afloja y repite con un ritmo lento.",
        ],
        "cues": [
            "El talón de atrás se queda abajo.",
            "El estiramiento se siente abajo, cerca del tobillo.",
        ],
    },
    "calf_stretch_static": {
        "name": "Estiramientos suaves de pantorrilla (rodilla estirada y doblada)",
        "dose": "3 x 30 s en cada posición, todos los días",
        "precautions": (
            "Dolor de Aquiles: no llegues al final del movimiento y nunca con el talón colgando "
            "de un escalón. Dolor de Aquiles en la inserción: no se usa."
        ),
        "instructions": [
            "Párate frente a una pared con un pie atrás, el talón abajo y la rodilla estirada.",
            "Inclínate hasta sentir un estiramiento leve en la pantorrilla y sostén 30 segundos.",
            "Ahora dobla un poco esa rodilla de atrás y sostén otros 30 segundos (parte baja de "
            "la pantorrilla).",
        ],
        "cues": [
            "Un jalón leve, nunca dolor.",
            "Suelta el aire y deja que la pantorrilla se relaje.",
        ],
    },
    "rotation_drills": {
        "name": "Giros controlados hacia adentro y hacia afuera",
        "dose": "2 x 10 hacia cada lado",
        "precautions": "Dolor de rodilla o de cadera: haz el movimiento más pequeño.",
        "instructions": [
            "Párate sobre el pie que trabaja con una mano en la pared.",
            "Con el pie plano, gira despacio la rodilla y la cadera hacia adentro y luego hacia "
            "afuera.",
            "Deja que el arco baje cuando giras hacia adentro y que suba cuando giras hacia "
            "afuera.",
        ],
        "cues": [
            "El pie se queda firme en el piso.",
            "Lento y con control; un movimiento pequeño está bien.",
        ],
    },
    "slow_lunge": {
        "name": "Zancadas lentas y controladas",
        "dose": "2 x 8 por lado, bajando en 3 s",
        "precautions": "Dolor de rodilla: haz el movimiento más corto.",
        "instructions": [
            "Da un paso adelante y baja a una zancada, tardando 3 segundos en bajar.",
            "Deja que la rodilla de adelante avance sobre los dedos con el talón abajo.",
            "Empuja para volver a quedar de pie y repite.",
        ],
        "cues": [
            "El talón de adelante se queda abajo.",
            "La rodilla sigue la línea de los dedos del medio.",
        ],
    },
    "pf_stretch": {
        "name": "Estiramiento suave de la fascia plantar",
        "dose": "10 x 10 s, 3 veces al día, la primera antes de levantarte de la cama",
        "precautions": "Dolor agudo en el talón: detente.",
        "instructions": [
            "Siéntate y cruza el pie que trabaja sobre la otra rodilla.",
            "Toma los dedos del pie y llévalos hacia la espinilla hasta sentir tensa la planta.",
            "Sostén 10 segundos y suelta. Repite 10 veces.",
            "Haz la primera serie antes de dar tus primeros pasos en la mañana.",
        ],
        "cues": [
            "Debes sentir que se tensa la banda debajo del arco.",
            "Suave, sin dolor.",
        ],
        "variants": [
            {
                "instructions": [
                    "Antes de levantarte de la cama, siéntate y cruza el pie que trabaja sobre "
                    "la otra rodilla.",
                    "Toma los dedos del pie y llévalos hacia la espinilla hasta sentir tensa la "
                    "planta.",
                    "Sostén 10 segundos y suelta. Repite 10 veces.",
                    "Haz todo el estiramiento 3 veces al día: al despertar, una vez en la tarde "
                    "y una vez en la noche.",
                ],
            },
        ],
    },
    # --- strength -------------------------------------------------------------------------
    "heel_raise_bilateral": {
        "name": "Elevaciones de talones con control (los dos pies)",
        "dose": "3 x 15, 2 s arriba / 1 s de pausa / 2 s abajo, 3 veces por semana",
        "precautions": "Dolor de Aquiles en la inserción: solo en el piso plano.",
        "instructions": [
            "Párate con los dos pies en el piso plano y la punta de los dedos en una pared.",
            "Sube en puntas de pie en 2 segundos.",
            "Haz una pausa arriba y luego baja en 2 segundos.",
            "Haz una pausa corta abajo antes de la siguiente.",
        ],
        "cues": [
            "El peso va sobre los dedos gordos.",
            "Lento y suave; sin rebotes.",
        ],
        "variants": [
            {
                "name": "Sostener la pantorrilla (talones arriba sin moverte, los dos pies)",
                "instructions": [
                    "Párate con los dos pies en el piso plano y la punta de los dedos en una "
                    "pared.",
                    "Sube más o menos hasta la mitad en puntas de pie y quédate ahí.",
                    "Quédate quieto a esa altura el tiempo que indica tu plan, respirando normal: "
                    "no subas ni bajes.",
                    "Baja despacio y descansa unos 2 minutos antes de la siguiente vez.",
                ],
                "cues": [
                    "Es una sola posición sostenida, no elevaciones repetidas.",
                    "Un esfuerzo firme pero cómodo; el dolor del tendón suele bajar mientras "
                    "sostienes.",
                ],
                "precautions": ["Quédate en el piso plano, nunca en el borde de un escalón."],
            },
            {
                "name": "Elevaciones de talones: subir con dos pies, bajar con uno",
                "instructions": [
                    "Párate con los dos pies en el piso plano y la punta de los dedos en una "
                    "pared.",
                    "Sube en puntas de pie usando los dos pies.",
                    "Levanta el otro pie y baja despacio sobre el pie que trabaja, en unos 3 "
                    "segundos.",
                    "Apoya los dos pies y vuelve a subir con los dos. Trabaja un lado y luego el "
                    "otro.",
                ],
                "cues": [
                    "Subes con dos, bajas con uno.",
                    "La bajada lenta es el ejercicio.",
                ],
            },
            {
                "instructions": [
                    "Párate con los dos pies en el piso plano y la punta de los dedos en una "
                    "pared.",
                    "Sube en puntas de pie despacio, contando 3 segundos al subir.",
                    "Baja despacio, contando 3 segundos al bajar.",
                    "No rebotes abajo; pasa directo a la siguiente subida lenta.",
                ],
                "cues": [
                    "3 segundos arriba, 3 segundos abajo.",
                    "El peso va sobre los dedos gordos.",
                ],
            },
        ],
    },
    "heel_raise_single": {
        "name": "Elevación de talón en una pierna",
        "dose": (
            "3 x 10-15; con toalla 3 x 12RM (el máximo que puedes hacer 12 veces), 3-2-3 s, "
            "un día sí y un día no"
        ),
        "precautions": (
            "Dolor de Aquiles: mantente dentro de los límites de dolor del tendón. Dolor de "
            "Aquiles en la inserción: solo en el piso plano."
        ),
        "instructions": [
            "Párate en un pie en el piso plano con la punta de los dedos en una pared para el "
            "equilibrio.",
            "Sube lo más alto que puedas sobre la parte delantera del pie.",
            "Baja despacio hasta que el talón toque el piso.",
        ],
        "cues": [
            "Sube derecho, sin irte hacia el dedo chico.",
            "La misma altura en cada repetición.",
        ],
        "variants": [
            {
                "name": "Elevación de talón en una pierna, toalla bajo los dedos, con mochila",
                "instructions": [
                    "Ponte una mochila con el peso que indica tu plan (libros o botellas de agua).",
                    "Enrolla una toalla pequeña y ponla en el piso; párate en un pie con los "
                    "dedos sobre la toalla para que queden doblados hacia arriba, con la punta "
                    "de los dedos de la mano en una pared.",
                    "Sube lo más alto que puedas en 3 segundos.",
                    "Sostén 2 segundos arriba y luego baja en 3 segundos.",
                ],
                "cues": [
                    "Cuanto más peso, menos repeticiones: detente cuando la serie se ponga "
                    "difícil.",
                ],
            },
            {
                "name": "Elevación de talón en una pierna, toalla bajo los dedos",
                "instructions": [
                    "Enrolla una toalla pequeña y ponla en el piso.",
                    "Párate en un pie con los dedos sobre la toalla para que queden doblados "
                    "hacia arriba, con la punta de los dedos de la mano en una pared.",
                    "Sube lo más alto que puedas en 3 segundos.",
                    "Sostén 2 segundos arriba y luego baja en 3 segundos.",
                ],
                "cues": [
                    "Los dedos se quedan arriba sobre la toalla todo el tiempo.",
                    "Lento: 3 arriba, 2 sostenido, 3 abajo.",
                ],
            },
            {
                "name": "Elevación de talón en una pierna desde un escalón, lenta",
                "instructions": [
                    "Párate en un pie en el borde de un escalón, con el talón libre, "
                    "agarrado de un barandal.",
                    "Baja el talón despacio por debajo del escalón, contando 3 segundos.",
                    "Sube lo más alto que puedas, contando 3 segundos.",
                    "Cuando tu plan agregue peso, usa una mochila con ese peso adentro.",
                ],
                "cues": [
                    "3 segundos abajo, 3 segundos arriba.",
                    "Todo el recorrido, sin rebotes.",
                ],
                "precautions": [
                    "Dolor de Aquiles en la inserción: no desde un escalón; quédate en el piso."
                ],
            },
            {
                "name": "Elevación de talón en una pierna desde un escalón",
                "instructions": [
                    "Párate en un pie en el borde de un escalón, con el talón libre, "
                    "agarrado de un barandal.",
                    "Baja el talón despacio por debajo del escalón hasta donde te resulte cómodo.",
                    "Sube lo más alto que puedas sobre la parte delantera del pie.",
                ],
                "cues": [
                    "Todo el recorrido: hasta abajo y hasta arriba.",
                    "Sin rebotes.",
                ],
                "precautions": [
                    "Dolor de Aquiles en la inserción: no desde un escalón; quédate en el piso."
                ],
            },
            {
                "name": "Elevación de talón en una pierna con mochila",
                "instructions": [
                    "Ponte una mochila con el peso que indica tu plan (libros o botellas de agua).",
                    "Párate en un pie en el piso plano con la punta de los dedos en una pared.",
                    "Sube lo más alto que puedas y luego baja despacio hasta que el talón toque "
                    "el piso.",
                ],
                "cues": [
                    "Termina la serie cuando ya no puedas subir a la misma altura.",
                ],
            },
            {
                "name": "Elevación de talón en una pierna en el piso, lenta",
                "instructions": [
                    "Párate en un pie en el piso plano (no en un escalón) con la punta de los "
                    "dedos en una pared.",
                    "Sube lo más alto que puedas, contando 3 segundos.",
                    "Baja despacio, contando 3 segundos, hasta que el talón toque el piso.",
                    "Cuando tu plan agregue peso, usa una mochila con ese peso adentro.",
                ],
                "cues": [
                    "3 segundos arriba, 3 segundos abajo.",
                    "El talón se detiene en el piso.",
                ],
                "precautions": [
                    "Nunca en un escalón: el talón nunca baja más que los dedos del pie."
                ],
            },
        ],
    },
    "heel_raise_bent_knee": {
        "name": "Elevación de talones con la rodilla doblada",
        "dose": "3 x 12-15",
        "precautions": "Las mismas que para la elevación de talón en una pierna.",
        "instructions": [
            "Párate con las rodillas un poco dobladas y la punta de los dedos en una pared.",
            "Mantén la rodilla doblada mientras subes en puntas de pie.",
            "Baja despacio sin estirar las rodillas.",
        ],
        "cues": [
            "La rodilla se mantiene igual de doblada todo el tiempo.",
            "Lento al bajar.",
        ],
    },
    "runner_calf_raise": {
        "name": "Elevación de pantorrilla en posición de corredor",
        "dose": "3 x 10-12 por lado",
        "precautions": "Agárrate de algo para mantener el equilibrio si lo necesitas.",
        "instructions": [
            "Párate con un pie adelante y el pie de atrás arriba de una caja o banco bajo.",
            "Párate derecho y sube en puntas con el pie de adelante.",
            "Baja despacio.",
        ],
        "cues": [
            "Mantente derecho, como a mitad de una zancada al correr.",
            "Empuja con el dedo gordo.",
        ],
        "variants": [
            {
                "name": "Elevación de pantorrilla en posición de corredor, con peso",
                "instructions": [
                    "Ponte una mochila con el peso que indica tu plan, o sostén un peso en la "
                    "mano del lado que trabaja.",
                    "Párate con un pie adelante, el pie de atrás arriba de una caja o banco bajo "
                    "y el pie de adelante plano en el piso.",
                    "Párate derecho y sube en puntas con el pie de adelante.",
                    "Baja despacio hasta que el talón toque el piso.",
                ],
            },
        ],
    },
    "eccentric_step_heel_drop": {
        "name": "Bajada lenta del talón desde un escalón",
        "dose": (
            "prevención 3 x 10-15, 3 veces por semana; Alfredson 3 x 15 + 3 x 15, dos veces al día"
        ),
        "precautions": (
            "Dolor de Aquiles en la inserción: nunca bajes por debajo del escalón. Un dolor del "
            "tendón de hasta 5/10 es aceptable si se calma para la mañana siguiente."
        ),
        "instructions": [
            "Párate en el borde de un escalón sobre la parte delantera de los dos pies, "
            "agarrado de un barandal.",
            "Sube usando los dos pies.",
            "Levanta el otro pie y baja despacio sobre el pie que trabaja (unos 3 segundos).",
            "Vuelve a apoyar los dos pies para subir otra vez.",
        ],
        "cues": [
            "Subes con dos, bajas con uno.",
            "La bajada es el ejercicio: tómate tu tiempo.",
        ],
        "variants": [
            {
                "name": "Bajada lenta del talón en el piso",
                "instructions": [
                    "Párate con los dos pies en el piso plano (no en un escalón), con la punta "
                    "de los dedos en una pared.",
                    "Sube en puntas de pie usando los dos pies.",
                    "Levanta el otro pie y baja despacio sobre el pie que trabaja, en unos 3 "
                    "segundos.",
                    "Detente cuando el talón toque el piso: nunca baja más que la parte "
                    "delantera del pie.",
                    "Apoya los dos pies y vuelve a subir con los dos.",
                ],
                "cues": [
                    "Subes con dos, bajas con uno.",
                    "La bajada lenta es el ejercicio.",
                ],
                "precautions": ["Nunca en un escalón: el talón no debe bajar del nivel del piso."],
            },
            {
                "name": "Bajada lenta del talón desde un escalón, rodilla estirada y doblada",
                "instructions": [
                    "Párate en el borde de un escalón sobre la parte delantera de los dos pies, "
                    "agarrado de un barandal.",
                    "Sube usando los dos pies.",
                    "Levanta el otro pie y baja despacio sobre el pie que trabaja, con la "
                    "rodilla estirada, hasta que el talón quede por debajo del escalón (unos 3 "
                    "segundos).",
                    "Vuelve a apoyar los dos pies para subir otra vez.",
                    "Haz las mismas series otra vez con la rodilla que trabaja un poco doblada.",
                    "Haz toda la rutina dos veces al día, todos los días.",
                ],
            },
        ],
    },
    "band_df": {
        "name": "Flexión del tobillo con resistencia (banda)",
        "dose": "3 x 15-20",
        "precautions": "Ninguna en particular.",
        "instructions": [
            "Siéntate con las piernas estiradas; ata una banda ligera adelante y pásala sobre "
            "el pie.",
            "Lleva los dedos del pie hacia ti contra la banda.",
            "Regresa despacio al inicio.",
        ],
        "cues": [
            "Mueve solo el tobillo.",
            "Controla el regreso.",
        ],
    },
    "band_pf": {
        "name": "Extensión del tobillo con resistencia (banda)",
        "dose": "3 x 15-20",
        "precautions": "Ninguna en particular.",
        "instructions": [
            "Siéntate con la pierna estirada y pasa una banda por la parte delantera de la "
            "planta del pie, sosteniendo las puntas.",
            "Estira la punta del pie hacia adelante contra la banda, en todo el recorrido.",
            "Regresa despacio.",
        ],
        "cues": [
            "Todo el recorrido cada vez.",
            "Ritmo constante.",
        ],
    },
    "band_inv": {
        "name": "Giro del pie hacia adentro con resistencia (banda)",
        "dose": "3 x 15",
        "precautions": "Torcedura reciente: solo hasta donde no duela.",
        "instructions": [
            "Siéntate con la banda atada hacia el lado de afuera del pie.",
            "Gira la planta del pie hacia adentro contra la banda.",
            "Regresa despacio.",
        ],
        "cues": [
            "Mantén la rodilla quieta; solo gira el pie.",
            "Lento en las dos direcciones.",
        ],
    },
    "band_ev": {
        "name": "Giro del pie hacia afuera con resistencia (banda)",
        "dose": "3 x 15",
        "precautions": "Torcedura reciente: solo hasta donde no duela.",
        "instructions": [
            "Siéntate con la banda atada hacia el lado de adentro del pie.",
            "Gira la planta del pie hacia afuera contra la banda.",
            "Regresa despacio.",
        ],
        "cues": [
            "Mantén la rodilla quieta; solo gira el pie.",
            "Lento en las dos direcciones.",
        ],
    },
    "diagonal_push": {
        "name": "Empujes en diagonal (banda)",
        "dose": "3 x 10 en cada diagonal",
        "precautions": "Ninguna en particular.",
        "instructions": [
            "Pasa una banda por la parte delantera del pie y sostenla o átala.",
            "Empuja el pie hacia abajo y hacia afuera en diagonal, y luego regresa despacio.",
            "Repite la otra diagonal: hacia abajo y hacia adentro.",
        ],
        "cues": [
            "Una línea suave, como si dibujaras una diagonal con los dedos.",
            "Controla el regreso.",
        ],
    },
    "suitcase_carry": {
        "name": "Caminar cargando un peso como una maleta",
        "dose": "3 x 20-30 m por mano",
        "precautions": "No lo hagas si ahora te duele el pie.",
        "instructions": [
            "Sostén un peso en una mano, al costado, como una maleta.",
            "Camina derecho 20-30 metros, con pasos firmes.",
            "Cambia de mano y regresa caminando.",
        ],
        "cues": [
            "Mantente derecho; no te inclines hacia el peso.",
            "Pasos silenciosos y parejos.",
        ],
    },
    # --- foot intrinsic -------------------------------------------------------------------
    "toe_yoga": {
        "name": "Yoga de los dedos del pie",
        "dose": "2-3 x 10, alternando",
        "precautions": "Ninguna en particular.",
        "instructions": [
            "Siéntate o párate descalzo con los pies planos.",
            "Levanta solo los dedos gordos, con los dedos chicos en el piso.",
            "Ahora apoya los dedos gordos y levanta los dedos chicos.",
            "Alterna despacio; cada cambio es una repetición.",
        ],
        "cues": [
            "El pie se queda plano; no lo gires hacia adentro ni hacia afuera.",
            "Lento y preciso es mejor que rápido.",
        ],
    },
    "short_foot": {
        "name": "Ejercicio de pie corto",
        "dose": ("2-3 x 10 x 5 s sostenidos; sentado, luego de pie, luego en una pierna"),
        "precautions": ("No encojas los dedos; si se encogen, vuelve a hacerlo sentado."),
        "instructions": [
            "Siéntate con el pie plano en el piso.",
            "Sin encoger los dedos, lleva la base del dedo gordo hacia el talón.",
            "El arco sube y el pie se acorta un poco. Sostén 5 segundos.",
            "Relaja y repite.",
        ],
        "cues": [
            "Los dedos se quedan largos y relajados.",
            "La articulación del dedo gordo se queda en el piso.",
        ],
        "variants": [
            {
                "name": "Pie corto en una pierna",
                "instructions": [
                    "Párate sobre el pie que trabaja junto a una mesa firme, con el otro pie "
                    "levantado.",
                    "Sin encoger los dedos, lleva la base del dedo gordo hacia el talón.",
                    "Mantén el arco arriba 5 segundos mientras mantienes el equilibrio.",
                    "Relaja y repite.",
                ],
            },
            {
                "name": "Pie corto, de pie",
                "instructions": [
                    "Párate con los dos pies planos, a lo ancho de la cadera, junto a una mesa "
                    "firme.",
                    "Sin encoger los dedos, lleva la base del dedo gordo hacia el talón.",
                    "El arco sube y el pie se acorta un poco. Sostén 5 segundos.",
                    "Relaja y repite.",
                ],
            },
        ],
    },
    "towel_scrunch": {
        "name": "Arrugar una toalla con los dedos",
        "dose": "2 x 30 s",
        "precautions": (
            "Calambre: detente. No es el ejercicio principal si tus dedos ya se encogen como garra."
        ),
        "instructions": [
            "Siéntate con una toalla extendida debajo del pie.",
            "Usa los dedos para jalar la toalla hacia ti, arrugándola poco a poco.",
            "Sigue 30 segundos, luego estira la toalla y repite.",
        ],
        "cues": [
            "El talón no se mueve.",
            "Relaja entre cada arrugada.",
        ],
    },
    "marble_pickup": {
        "name": "Recoger canicas con los dedos",
        "dose": "2 x 10-20",
        "precautions": "Calambre: detente.",
        "instructions": [
            "Siéntate con unas canicas en el piso y un vaso junto al pie.",
            "Levanta una canica con los dedos del pie y déjala caer en el vaso.",
            "Repite hasta terminar la serie.",
        ],
        "cues": [
            "Tómate tu tiempo.",
            "Usa todos los dedos, no solo el dedo gordo.",
        ],
    },
    # --- balance and neuromotor -----------------------------------------------------------
    "sl_balance_firm_eo": {
        "name": "Equilibrio en una pierna, ojos abiertos",
        "dose": "3 x 30 s, hasta llegar a 60 s, por lado",
        "precautions": "Párate junto a una pared o mesa firme de la que te puedas agarrar.",
        "instructions": [
            "Párate descalzo junto a una mesa firme.",
            "Levanta un pie y mantén el equilibrio sobre el otro el tiempo indicado.",
            "Si apoyas el pie, simplemente vuelve a empezar.",
        ],
        "cues": [
            "Rodilla suelta, sin trabarla.",
            "La mirada fija en un punto.",
            "La rodilla sobre el segundo dedo del pie.",
        ],
        "variants": [
            {
                "name": "Equilibrio en una pierna con el pie corto",
                "instructions": [
                    "Párate descalzo junto a una mesa firme y haz el pie corto: lleva la base del "
                    "dedo gordo hacia el talón sin encoger los dedos.",
                    "Mantén ese arco y levanta el otro pie.",
                    "Mantén el equilibrio el tiempo indicado; si el arco baja o los dedos se "
                    "encogen, vuelve a empezar.",
                ],
            },
        ],
    },
    "sl_balance_ec": {
        "name": "Equilibrio en una pierna, ojos cerrados",
        "dose": "3 x 15 s, hasta llegar a 30 s",
        "precautions": (
            "Justo al lado de un apoyo; los corredores mayores lo prueban primero con supervisión."
        ),
        "instructions": [
            "Párate en un pie junto a una mesa firme, como en la versión con ojos abiertos.",
            "Cuando estés firme, cierra los ojos y mantén la posición.",
            "Abre los ojos o toca la mesa cada vez que lo necesites.",
        ],
        "cues": [
            "Está bien que el tobillo se mueva un poco.",
            "Respira normal.",
        ],
    },
    "sl_balance_unstable": {
        "name": "Equilibrio en una pierna sobre un cojín de espuma o una tabla de equilibrio",
        "dose": "3 x 30 s, hasta llegar a 60 s",
        "precautions": (
            "Después de una torcedura, solo cuando puedas pararte en una pierna en el piso sin "
            "dolor."
        ),
        "instructions": [
            "Pon un cojín de espuma o una tabla de equilibrio junto a una mesa firme.",
            "Párate descalzo en un pie sobre el cojín.",
            "Mantente firme el tiempo indicado.",
        ],
        "cues": [
            "Deja que el pie trabaje; la cadera se queda nivelada.",
            "La rodilla sobre el segundo dedo del pie.",
        ],
        "variants": [
            {
                "name": "Equilibrio en una pierna sobre un cojín de espuma, ojos cerrados",
                "instructions": [
                    "Pon un cojín de espuma o una tabla de equilibrio justo al lado de una mesa "
                    "firme.",
                    "Párate descalzo en un pie sobre el cojín, con una mano justo encima de la "
                    "mesa.",
                    "Cuando estés firme, cierra los ojos y mantén la posición el tiempo indicado.",
                    "Abre los ojos o toca la mesa cada vez que lo necesites.",
                ],
                "precautions": [
                    "Justo al lado de un apoyo; los corredores mayores lo prueban primero con "
                    "supervisión."
                ],
            },
        ],
    },
    "sl_balance_perturb": {
        "name": "Equilibrio en una pierna con pequeños empujones",
        "dose": "3 x 30 s",
        "precautions": (
            "Igual que con el cojín de espuma: solo cuando pararte en una pierna en piso firme "
            "no te duela."
        ),
        "instructions": [
            "Mantén el equilibrio en un pie junto a un apoyo.",
            "Pide a alguien que te dé empujoncitos, o lanza una pelota contra la pared, o jala "
            "una banda con los brazos.",
            "Mantente firme sobre la pierna de apoyo.",
        ],
        "cues": [
            "Reacciona y recupérate; sin tambaleos grandes.",
            "El tobillo no se dobla hacia adentro ni hacia afuera.",
        ],
    },
    "heel_toe_reload": {
        "name": "Ejercicio de talón a punta",
        "dose": "2 x 10 por lado",
        "precautions": "Ninguna en particular.",
        "instructions": [
            "Da un paso adelante y apoya el talón con suavidad.",
            "Rueda el pie de forma suave hasta quedar sobre los dedos.",
            "Vuelve hacia atrás al talón y repite.",
        ],
        "cues": [
            "Rueda suave del talón al dedo gordo.",
            "Mantente derecho.",
        ],
    },
    "incline_steps": {
        "name": "Pasos lentos en una rampa o pendiente",
        "dose": "2 x 10 subiendo y bajando",
        "precautions": (
            "Dolor de Aquiles: caminar en bajada agrega carga, así que fíjate cómo responde el "
            "tendón."
        ),
        "instructions": [
            "Busca una rampa o pendiente suave.",
            "Sube caminando despacio, dejando que cada tobillo se doble por completo con el "
            "talón abajo.",
            "Baja caminando con pasos cortos y controlados.",
        ],
        "cues": [
            "Pies lentos y silenciosos.",
            "Las rodillas siguen la línea de los dedos.",
        ],
    },
    "df_toe_taps": {
        "name": "Golpecitos con la punta del pie",
        "dose": "3 x 20-30 s",
        "precautions": "Dolor en la espinilla de más de 3/10: detente.",
        "instructions": [
            "Siéntate o párate con los talones en el piso.",
            "Sube y baja rápido la parte delantera de los pies, dando golpecitos.",
            "Sigue el tiempo indicado.",
        ],
        "cues": [
            "Los talones se quedan abajo.",
            "Golpecitos ligeros y rápidos.",
        ],
    },
    "lateral_shuffle": {
        "name": "Desplazamientos laterales",
        "dose": "3 x 10-15 m",
        "precautions": (
            "La versión rápida necesita que hayas pasado la prueba de saltos; hasta entonces, "
            "hazla lenta."
        ),
        "instructions": [
            "Párate en una posición atlética, con las rodillas un poco dobladas.",
            "Desplázate de lado 10-15 metros sin cruzar los pies.",
            "Regresa desplazándote hacia el otro lado.",
        ],
        "cues": [
            "La espinilla se queda derecha, con la rodilla sobre el pie.",
            "El tobillo no se cae hacia adentro.",
        ],
    },
    "cadence_drill": {
        "name": "Ejercicios suaves de cadencia",
        "dose": "+5% de cadencia, 3-5 x 1 min dentro de carreras suaves",
        "precautions": (
            "Si aparece un dolor nuevo en la pantorrilla que dura más de 48 horas: vuelve a un "
            "aumento menor."
        ),
        "instructions": [
            "Pon un metrónomo o tu reloj 5% por encima de tus pasos por minuto normales en una "
            "carrera suave.",
            "Durante una carrera suave, sigue el ritmo con tus pasos durante 1 minuto.",
            "Corre normal unos minutos y luego repite.",
        ],
        "cues": [
            "Aterrizajes suaves y silenciosos.",
            "Los pies caen debajo de ti, no muy adelante.",
        ],
    },
    # --- plyometric -----------------------------------------------------------------------
    "short_hops": {
        "name": "Saltitos cortos con aterrizaje suave",
        "dose": "2-3 x 10 con los dos pies, más adelante con uno",
        "precautions": (
            "Solo después de que tu terapeuta te haya aprobado la prueba de saltos. No si tienes "
            "dolor de hueso o una torcedura reciente."
        ),
        "instructions": [
            "Párate sobre los dos pies.",
            "Da saltitos pequeños y elásticos, apenas despegando del piso.",
            "Aterriza suave sobre la parte delantera de los pies y deja que los talones rocen "
            "el piso.",
        ],
        "cues": [
            "Aterrizajes silenciosos.",
            "La espinilla derecha, las rodillas sobre los pies.",
        ],
    },
    # --- soft tissue ----------------------------------------------------------------------
    "calf_roll": {
        "name": "Rodillo en la pantorrilla y el sóleo",
        "dose": "60-90 s por músculo",
        "precautions": (
            "Nunca sobre una pantorrilla hinchada, caliente o sensible, una lesión reciente o "
            "una zona de hueso."
        ),
        "instructions": [
            "Siéntate con la pantorrilla sobre un rodillo de espuma y las manos atrás.",
            "Rueda despacio desde justo arriba del tobillo hasta debajo de la rodilla.",
            "Dobla un poco la rodilla para llegar a la parte más profunda y baja de la "
            "pantorrilla.",
        ],
        "cues": [
            "Rueda despacio y respira con calma.",
            "Solo una presión cómoda.",
        ],
    },
    "plantar_roll": {
        "name": "Masaje controlado de la planta con una pelota",
        "dose": "1-2 min, 1-2 veces al día",
        "precautions": "No sobre heridas abiertas ni en pies con menos sensibilidad.",
        "instructions": [
            "Siéntate con una pelota debajo del arco del pie.",
            "Rueda despacio desde el talón hasta la parte delantera de la planta.",
            "Sigue durante 1-2 minutos.",
        ],
        "cues": [
            "Presión cómoda.",
            "Pasadas lentas.",
        ],
    },
    "recovery_adjuncts": {
        "name": "Extras para recuperarte (baños de contraste, compresión, masaje suave al "
        "terminar)",
        "dose": "opcional",
        "precautions": (
            "No uses contraste ni calor si tienes una enfermedad de los vasos sanguíneos o menos "
            "sensibilidad en los pies."
        ),
        "instructions": [
            "Después de carreras largas puedes usar medias de compresión o alternar agua tibia "
            "y fresca.",
            "Termina con unos minutos de rodillo suave o estiramientos suaves.",
        ],
        "cues": ["Solo para tu comodidad; son opcionales."],
    },
}
